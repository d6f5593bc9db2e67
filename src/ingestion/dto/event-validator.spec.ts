import type { EventType } from '../domain/event-types';
import { EVENT_EXAMPLES } from './event-examples';
import {
  checkClock,
  dispatchOnType,
  EventValidator,
  type FieldError,
  MAX_CLOCK_SKEW_MS,
  type ValidationOutcome,
} from './event-validator';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const compiled = new EventValidator({ now: () => NOW });
const validate = (plain: unknown): ValidationOutcome => compiled.validate(plain);

function example(type: EventType): Record<string, unknown> {
  return structuredClone(EVENT_EXAMPLES[type]) as unknown as Record<string, unknown>;
}

function withData(type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  const event = example(type);
  return { ...event, data: { ...(event.data as object), ...data } };
}

function fields(outcome: ValidationOutcome): string[] {
  return outcome.ok ? [] : [...new Set(outcome.errors.map((error: FieldError) => error.field))].sort();
}

describe('EventValidator', () => {
  it('accepts a valid event and returns it unchanged', () => {
    const event = example('consent.granted');
    expect(validate(event)).toEqual({ ok: true, event });
  });

  it('names the field of a bad payload value', () => {
    const outcome = validate(withData('consent.granted', { purpose: 'everything' }));
    expect(outcome.ok).toBe(false);
    expect(fields(outcome)).toEqual(['data.purpose']);
    expect(outcome.ok || outcome.errors[0].message).toMatch(/purpose must be one of/);
  });

  it('names every bad field at once', () => {
    const event = {
      ...withData('data.shared', { safeguard: 'pinky_swear', recipientCountry: 'XX' }),
      ip: '300.1.1.1',
    };
    expect(fields(validate(event))).toEqual(['data.recipientCountry', 'data.safeguard', 'ip']);
  });

  it('names a missing required field', () => {
    const event = example('playback.stopped');
    delete (event.data as Record<string, unknown>).positionSeconds;
    expect(fields(validate(event))).toEqual(['data.positionSeconds']);
  });

  it('rejects unknown fields at every level', () => {
    expect(fields(validate({ ...example('auth.logout'), extra: 1 }))).toEqual(['extra']);
    expect(fields(validate(withData('dsr.opened', { deadline: 'soon' })))).toEqual(['data.deadline']);
    const event = example('ad.served');
    event.actor = { type: 'viewer', id: 'v-1', role: 'admin' };
    expect(fields(validate(event))).toEqual(['actor.role']);
  });

  it('rejects an event from more than 5 minutes in the future, accepts clock drift below that', () => {
    const at = (offsetMs: number) => ({
      ...example('auth.logout'),
      occurredAt: new Date(NOW + offsetMs).toISOString(),
    });
    expect(validate(at(4 * 60_000)).ok).toBe(true);
    expect(validate(at(5 * 60_000)).ok).toBe(true);
    expect(fields(validate(at(5 * 60_000 + 1)))).toEqual(['occurredAt']);
  });

  it('rejects timestamps without zone, impossible dates and dates before 2000', () => {
    for (const occurredAt of [
      '2026-03-01T10:00:00',
      '2026-02-29T10:00:00Z',
      '1999-12-31T23:59:59Z',
      1772358000000,
    ]) {
      expect(fields(validate({ ...example('auth.logout'), occurredAt }))).toEqual(['occurredAt']);
    }
  });

  it('rejects a payload over 8 KB even when each field is within bounds', () => {
    const params = Object.fromEntries(Array.from({ length: 32 }, (_v, i) => [`p${i}`, 'v'.repeat(260)]));
    expect(fields(validate(withData('tracking.fired', { params })))).toEqual(['data']);
  });

  it('bounds strings in characters, a surrogate pair counting once', () => {
    expect(validate(withData('playback.started', { title: '🎬'.repeat(256) })).ok).toBe(true);
    expect(fields(validate(withData('playback.started', { title: '🎬'.repeat(257) })))).toEqual([
      'data.title',
    ]);
  });

  it('rejects control characters in free text', () => {
    expect(fields(validate({ ...example('auth.logout'), userAgent: 'Mozilla\u0000' }))).toEqual([
      'userAgent',
    ]);
    expect(fields(validate(withData('api.error', { endpoint: '/v1\n/x' })))).toEqual(['data.endpoint']);
    expect(validate(withData('api.error', { message: 'line 1\nline 2' })).ok).toBe(true);
  });

  it('refuses lone surrogates and NUL in any string or key, naming the field (PostgreSQL refuses them)', () => {
    const outcome = validate({ ...example('auth.logout'), userAgent: 'Mozilla\udc00' });
    expect(outcome).toEqual({
      ok: false,
      errors: [{ field: 'userAgent', message: expect.stringContaining('lone UTF-16 surrogate') }],
    });
    expect(fields(validate(withData('api.error', { message: 'line \ud800 1' })))).toEqual(['data.message']);
    expect(fields(validate(withData('api.error', { message: 'nul \u0000' })))).toEqual(['data.message']);
    expect(fields(validate(withData('api.error', { ['bad\u0000key']: 'x' })))).toEqual([
      'data.bad\\u0000key',
    ]);
    expect(validate(withData('api.error', { message: 'a pair is fine: \ud83d\ude00' })).ok).toBe(true);
  });

  it('rejects an event whose validation throws, instead of throwing', () => {
    const event = example('auth.logout');
    const choking = new Proxy(event, {
      get: (target, key) => {
        if (key === 'userAgent') throw new URIError('URI malformed');
        return target[key as string];
      },
    });
    expect(validate(choking)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'the event is malformed and could not be validated' }],
    });
  });

  it('accepts country codes in either case, only assigned ones', () => {
    expect(validate({ ...example('auth.logout'), country: 'fr' }).ok).toBe(true);
    for (const country of ['XK', 'UK', 'FRA', 'EU']) {
      expect(fields(validate({ ...example('auth.logout'), country }))).toEqual(['country']);
    }
  });

  it('accepts an ISO 3166-2 subdivision in either case, with or without a country', () => {
    for (const [country, subdivision] of [
      ['US', 'US-CA'],
      ['us', 'us-tx'],
      ['DE', 'DE-BY'],
      ['GB', 'GB-SCT'],
      ['FR', 'FR-75C'],
      [undefined, 'US-CA'],
    ]) {
      expect(validate({ ...example('auth.logout'), country, subdivision })).toMatchObject({ ok: true });
    }
  });

  it('refuses a malformed subdivision, naming the field', () => {
    for (const subdivision of ['US', 'USCA', 'US-', 'US-CALI', 'U1-CA', 'US_CA', 'US-C\u00c4', '', ' US-CA', 42, null]) {
      const outcome = validate({ ...example('auth.logout'), country: 'US', subdivision });
      expect(fields(outcome)).toEqual(['subdivision']);
    }
    const outcome = validate({ ...example('auth.logout'), subdivision: 'usa-ca' });
    expect(outcome.ok || outcome.errors[0].message).toMatch(/subdivision must be an ISO 3166-2 subdivision code/);
  });

  it('refuses a subdivision outside the event country, naming the field', () => {
    for (const [country, subdivision] of [
      ['FR', 'US-CA'],
      ['us', 'DE-BY'],
      ['DE', 'AT-9'],
    ]) {
      const outcome = validate({ ...example('auth.logout'), country, subdivision });
      expect(outcome).toEqual({
        ok: false,
        errors: [
          {
            field: 'subdivision',
            message: `subdivision must lie in country ${country.toUpperCase()} (its first two letters must equal country)`,
          },
        ],
      });
    }
    // A bad country is the country's error, not a mismatch.
    expect(fields(validate({ ...example('auth.logout'), country: 'UK', subdivision: 'GB-SCT' }))).toEqual(['country']);
  });

  it('requires exactly one of age and ageBand', () => {
    expect(validate(withData('account.age_verified', { age: undefined, ageBand: '13_15' })).ok).toBe(true);
    expect(fields(validate(withData('account.age_verified', { ageBand: '13_15' })))).toEqual([
      'data.age',
      'data.ageBand',
    ]);
    const neither = example('account.age_verified');
    delete (neither.data as Record<string, unknown>).age;
    expect(fields(validate(neither))).toEqual(['data.age', 'data.ageBand']);
  });

  it('allows only staff and services to access personal data', () => {
    const event = example('data.accessed');
    expect(fields(validate({ ...event, actor: { type: 'viewer', id: 'v-1' } }))).toEqual(['actor.type']);
    expect(validate({ ...event, actor: { type: 'service', id: 'svc-recsys' } }).ok).toBe(true);
  });

  it('requires userId except for breach and error events', () => {
    const withoutUser = (type: EventType) => {
      const event = example(type);
      delete event.userId;
      return validate(event);
    };
    expect(fields(withoutUser('consent.granted'))).toEqual(['userId']);
    expect(withoutUser('security.breach.confirmed').ok).toBe(true);
    expect(withoutUser('client.error').ok).toBe(true);
  });

  it('takes no payload, or {}, for auth events and account.closed', () => {
    expect(validate({ ...example('auth.logout'), data: {} }).ok).toBe(true);
    expect(validate({ ...example('account.closed'), data: undefined }).ok).toBe(true);
    expect(fields(validate({ ...example('auth.logout'), data: { reason: 'x' } }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^data/)]),
    );
    expect(fields(validate({ ...example('account.created'), data: undefined }))).toEqual(['data']);
  });

  it('refuses null for an optional field', () => {
    expect(fields(validate({ ...example('playback.started'), gpc: null }))).toEqual(['gpc']);
    expect(fields(validate(withData('data.accessed', { ticketId: null })))).toEqual(['data.ticketId']);
  });

  it('refuses a payload of another type of the same family', () => {
    const event = { ...example('playback.started'), type: 'playback.stopped' };
    expect(fields(validate(event))).toEqual(expect.arrayContaining(['data.positionSeconds', 'data.title']));
  });

  it('refuses what is not an event of a known type', () => {
    expect(validate(null)).toEqual({
      ok: false,
      errors: [{ field: '', message: 'an event must be a JSON object' }],
    });
    expect(validate([example('auth.logout')]).ok).toBe(false);
    expect(fields(validate({ ...example('auth.logout'), type: 'auth.logged_out' }))).toEqual(['type']);
  });

  it('refuses keys naming Object.prototype members', () => {
    const event = JSON.parse(
      JSON.stringify(example('auth.logout')).replace('{', '{"__proto__":{"polluted":true},'),
    ) as object;
    expect(fields(validate(event))).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(validate(withData('tracking.fired', { params: { constructor: 'x' } })).ok).toBe(false);
  });
});

describe('dispatchOnType', () => {
  it('returns the type of an object with a contract type', () => {
    expect(dispatchOnType(EVENT_EXAMPLES['dsr.opened'])).toEqual({ type: 'dsr.opened' });
  });

  it.each([null, 'event', 42, [], [EVENT_EXAMPLES['dsr.opened']]])('refuses %j as a whole', (plain) => {
    expect(dispatchOnType(plain)).toEqual({
      errors: [{ field: '', message: 'an event must be a JSON object' }],
    });
  });

  it.each([{}, { type: 'dsr.Opened' }, { type: 'hasOwnProperty' }, { type: ['dsr.opened'] }])(
    'refuses %j on its type',
    (plain) => {
      expect(dispatchOnType(plain)).toEqual({
        errors: [{ field: 'type', message: 'type must be one of the known event types' }],
      });
    },
  );
});

describe('checkClock', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('allows up to five minutes of client clock drift', () => {
    expect(checkClock({ occurredAt: new Date(now + MAX_CLOCK_SKEW_MS).toISOString() }, now)).toEqual([]);
    expect(checkClock({ occurredAt: '2026-03-01T13:05:00+01:00' }, now)).toEqual([]);
    expect(checkClock({ occurredAt: '2026-03-01T13:05:01+01:00' }, now)).toEqual([
      { field: 'occurredAt', message: 'occurredAt must not be more than 5 minutes in the future' },
    ]);
  });

  it('leaves malformed timestamps to the schema', () => {
    expect(checkClock({ occurredAt: 'tomorrow' }, now)).toEqual([]);
    expect(checkClock({}, now)).toEqual([]);
  });
});
