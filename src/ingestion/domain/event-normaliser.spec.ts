import { EVENT_EXAMPLES } from '../dto/event-examples';
import type { IngestedEvent } from './event-payloads';
import { EVENT_TYPES } from './event-types';
import { describeUserAgent, freeTextFields, normaliseEvent, truncateIp } from './event-normaliser';

const RECEIVED_AT = new Date('2026-03-01T20:00:07.000Z');

function event(overrides: Partial<IngestedEvent> & object = {}): IngestedEvent {
  return { ...EVENT_EXAMPLES['playback.started'], ...overrides } as IngestedEvent;
}

describe('normaliseEvent', () => {
  it('produces the canonical record', () => {
    expect(normaliseEvent(event(), RECEIVED_AT)).toEqual({
      eventId: '13e7e0ed-36e3-4879-b3e5-3877a7851d04',
      type: 'playback.started',
      occurredAt: new Date('2026-03-01T20:00:05.000Z'),
      receivedAt: RECEIVED_AT,
      userId: 'v-7f3a9c',
      actorType: 'viewer',
      actorId: 'v-7f3a9c',
      ipPrefix: '203.0.113.0/24',
      country: 'FR',
      subdivision: null,
      device: 'smart_tv',
      os: 'Tizen',
      browser: 'Safari',
      deviceId: 'd-51c2',
      sessionId: 's-9a01',
      gpc: true,
      data: {
        contentId: 't-123',
        title: 'The Long Night',
        rating: 'TV-14',
        genre: 'Drama',
        personalised: true,
      },
    });
  });

  it('upper-cases the subdivision', () => {
    const normalised = normaliseEvent({ ...event(), country: 'us', subdivision: 'us-ca' }, RECEIVED_AT);
    expect(normalised).toMatchObject({ country: 'US', subdivision: 'US-CA' });
  });

  it('moves occurredAt to UTC and keeps millisecond precision', () => {
    const normalised = normaliseEvent(event({ occurredAt: '2026-03-01T21:00:05.123456+01:00' }), RECEIVED_AT);
    expect(normalised.occurredAt.toISOString()).toBe('2026-03-01T20:00:05.123Z');
  });

  it('upper-cases countries, lower-cases the event id', () => {
    const normalised = normaliseEvent(
      {
        ...EVENT_EXAMPLES['data.shared'],
        eventId: 'D9A41835-D781-43E1-8AF3-FCA71A746243',
        country: 'fr',
        data: { ...EVENT_EXAMPLES['data.shared'].data, recipientCountry: 'us' },
      },
      RECEIVED_AT,
    );
    expect(normalised.country).toBe('FR');
    expect(normalised.eventId).toBe('d9a41835-d781-43e1-8af3-fca71a746243');
    expect((normalised.data as { recipientCountry: string }).recipientCountry).toBe('US');
  });

  it('rewrites payload timestamps to UTC', () => {
    const normalised = normaliseEvent(EVENT_EXAMPLES['security.breach.confirmed'], RECEIVED_AT);
    expect(normalised.data).toEqual({
      breachId: 'br-2026-003',
      personalData: true,
      awareAt: '2026-03-09T07:30:00.000Z',
    });
    expect(normalised.userId).toBeNull();
  });

  it('fills what the event did not carry with null, false or {}', () => {
    const normalised = normaliseEvent(
      {
        eventId: EVENT_EXAMPLES['auth.logout'].eventId,
        type: 'auth.logout',
        occurredAt: '2026-03-01T11:02:00Z',
        userId: 'v-1',
        actor: { type: 'viewer', id: 'v-1' },
      },
      RECEIVED_AT,
    );
    expect(normalised).toMatchObject({
      ipPrefix: null,
      country: null,
      subdivision: null,
      device: 'unknown',
      os: null,
      browser: null,
      deviceId: null,
      sessionId: null,
      gpc: false,
      data: {},
    });
  });

  it('does not change its input', () => {
    const input = structuredClone(EVENT_EXAMPLES['consent.granted']);
    normaliseEvent(input, RECEIVED_AT);
    expect(input).toEqual(EVENT_EXAMPLES['consent.granted']);
  });

  it('normalises every example', () => {
    for (const type of EVENT_TYPES) {
      const normalised = normaliseEvent(EVENT_EXAMPLES[type], RECEIVED_AT);
      expect(normalised.type).toBe(type);
      expect(Number.isNaN(normalised.occurredAt.getTime())).toBe(false);
    }
  });
});

describe('truncateIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['10.1.2.255', '10.1.2.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['2001:db8:85a3:1234:5678:8a2e:370:7334', '2001:db8:85a3::/48'],
    ['2001:0DB8:0000:ffff::1', '2001:db8::/48'],
    ['::1', '::/48'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['not an ip', null],
  ])('%s → %s', (ip, prefix) => {
    expect(truncateIp(ip)).toBe(prefix);
  });
});

describe('describeUserAgent', () => {
  it.each([
    [EVENT_EXAMPLES['playback.started'].userAgent, 'smart_tv', 'Tizen'],
    [
      'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager',
      'smart_tv',
      'webOS',
    ],
    ['Roku/DVP-9.10 (519.10E04111A)', 'smart_tv', null],
    [
      'Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/88.0.4324.152 Mobile Safari/537.36',
      'smart_tv',
      'Android',
    ],
    [
      'Mozilla/5.0 (PlayStation; PlayStation 5/8.20) AppleWebKit/605.1.15 (KHTML, like Gecko)',
      'console',
      'PlayStation',
    ],
    ['Mozilla/5.0 (Xbox One; Windows NT 10.0) AppleWebKit/537.36 Edge/44.18363.8131', 'console', 'Windows'],
    [EVENT_EXAMPLES['auth.password_reset'].userAgent, 'mobile', 'iOS'],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'tablet',
      'iOS',
    ],
    [EVENT_EXAMPLES['auth.login.failed'].userAgent, 'desktop', 'Windows'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'desktop',
      'macOS',
    ],
    ['curl/8.0', 'unknown', null],
  ])('%s', (userAgent, device, os) => {
    const description = describeUserAgent(userAgent);
    expect(description.device).toBe(device);
    expect(description.os).toBe(os);
  });

  it('names the browser without its version', () => {
    expect(describeUserAgent(EVENT_EXAMPLES['auth.login.failed'].userAgent).browser).toBe('Chrome');
  });
});

describe('freeTextFields', () => {
  it('lists the user agent and the free-text payload fields', () => {
    expect(freeTextFields(EVENT_EXAMPLES['tracking.fired'])).toEqual([
      { field: 'userAgent', value: EVENT_EXAMPLES['tracking.fired'].userAgent },
      { field: 'data.vendor', value: 'social-pixel' },
      { field: 'data.params.content_category', value: 'drama' },
      { field: 'data.params.external_id', value: 'v-7f3a9c' },
    ]);
    expect(freeTextFields(EVENT_EXAMPLES['ad.served']).map((f) => f.field)).toEqual([
      'userAgent',
      'data.segments.0',
      'data.segments.1',
    ]);
    expect(freeTextFields(EVENT_EXAMPLES['api.error']).map((f) => f.field)).toEqual([
      'data.message',
      'data.endpoint',
    ]);
    expect(freeTextFields(EVENT_EXAMPLES['dsr.extended']).map((f) => f.field)).toEqual(['data.reason']);
  });

  it('skips identifiers, tokens and closed vocabularies', () => {
    expect(freeTextFields(EVENT_EXAMPLES['consent.granted']).map((f) => f.field)).toEqual(['userAgent']);
    expect(freeTextFields(EVENT_EXAMPLES['breach.authority_notified'])).toEqual([]);
  });
});
