import { timeline } from '../../../tools/testing/compliance/event-factory';
import { applyActorEvent, applyEvent } from './viewer-state-reducer';
import { emptyViewerState, type ViewerState } from './viewer-state';
import { countDistinct, HOUR_MS } from './windowed-activity';

const replay = (events: ReturnType<typeof timeline>['events'], from?: ViewerState) =>
  events.reduce<ViewerState | undefined>((s, e) => applyEvent(s, e), from) as ViewerState;

describe('applyEvent', () => {
  it('is pure: the state handed in is not changed', () => {
    const before = emptyViewerState('u-1');
    const snapshot = JSON.stringify(before);
    const [e] = timeline('2026-05-04T10:00:00Z').add('consent.granted', {
      purpose: 'marketing',
      basis: 'consent',
    }).events;
    const after = applyEvent(before, e);
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(after.consents.marketing.state).toBe('granted');
  });

  it('shares untouched sections with the earlier state, and copies a section before writing it', () => {
    const t = timeline('2026-05-04T10:00:00Z')
      .add('consent.granted', { purpose: 'marketing', basis: 'consent' })
      .add('playback.started', { contentId: 't-1' })
      .add('consent.withdrawn', { purpose: 'marketing', basis: 'consent' })
      .add('playback.started', { contentId: 't-2' });
    const s1 = applyEvent(applyEvent(undefined, t.events[0]), t.events[1]);
    const frozen = JSON.stringify(s1);
    const s2 = applyEvent(s1, t.events[2]);
    expect(s2.holdings).toBe(s1.holdings); // untouched: shared
    expect(s2.consents).not.toBe(s1.consents); // written: copied
    const s3 = applyEvent(s2, t.events[3]);
    expect(s3.holdings.viewing_history).not.toBe(s1.holdings.viewing_history);
    expect(JSON.stringify(s1)).toBe(frozen);
    expect(s1.consents.marketing.state).toBe('granted');
    expect(s3.consents.marketing.state).toBe('withdrawn');
  });

  it('keeps a consent ledger per purpose with basis, notice version, form, expiry and grant history', () => {
    const t = timeline('2026-05-04T10:00:00Z', { country: 'DE' })
      .add('consent.granted', {
        purpose: 'viewing_history_disclosure',
        basis: 'consent',
        noticeVersion: 'n-7',
        separateForm: true,
        explicit: true,
        expiresAt: '2028-05-04T10:00:00Z',
      })
      .after('1d', 'consent.withdrawn', { purpose: 'viewing_history_disclosure', basis: 'consent' });
    const s = replay(t.events);
    expect(s.consents.viewing_history_disclosure).toMatchObject({
      state: 'withdrawn',
      at: Date.parse('2026-05-05T10:00:01Z'),
      basis: 'consent',
      noticeVersion: 'n-7',
      separateForm: true,
      grantedAt: Date.parse('2026-05-04T10:00:01Z'),
      grantedBy: 'viewer',
      expiresAt: null,
      eventId: t.last.eventId,
    });
  });

  it('never lets a late consent event override a newer decision', () => {
    const t = timeline('2026-05-04T10:00:00Z')
      .add('consent.withdrawn', { purpose: 'analytics', basis: 'consent' })
      .at('2026-05-04T09:00:00Z', 'consent.granted', { purpose: 'analytics', basis: 'consent' });
    expect(replay(t.events).consents.analytics.state).toBe('withdrawn');
  });

  it('tracks the profile: country, age sources, parental consent, closure', () => {
    const t = timeline('2026-05-04T10:00:00Z')
      .add('account.created', { birthYear: 2012, country: 'us-ca' })
      .add('account.age_verified', { ageBand: '13-15', method: 'estimation' })
      .add('account.parental_consent_given', { verified: true, method: 'card', scopes: ['collection'] })
      .add('account.closed');
    const s = replay(t.events);
    expect(s.profile).toMatchObject({
      country: 'US-CA',
      birthYear: 2012,
      ageBand: '13-15',
      ageVerificationMethod: 'estimation',
      parental: { verified: true, scopes: ['collection'] },
      closedAt: t.last.occurredAt.getTime(),
    });
  });

  it('follows a request through extension, pause, resume, completion and recipient notices', () => {
    const t = timeline('2026-03-01T09:00:00Z')
      .add('dsr.opened', { requestId: 'r-1', type: 'erasure', jurisdiction: 'gb' })
      .after('1d', 'dsr.paused', { requestId: 'r-1', reason: 'id_verification' })
      .after('2d', 'dsr.resumed', { requestId: 'r-1' })
      .after('1d', 'dsr.extended', {
        requestId: 'r-1',
        notifiedAt: '2026-03-05T09:00:00Z',
        reason: 'complex',
      })
      .after('1d', 'dsr.completed', { requestId: 'r-1' })
      .after('1d', 'dsr.recipient_notified', { requestId: 'r-1', recipient: 'ad-partner' });
    const s = replay(t.events);
    const r = s.dsrs['r-1'];
    expect(r).toMatchObject({ type: 'erasure', jurisdiction: 'GB', recipientsNotified: ['ad-partner'] });
    expect(r.pauses).toEqual([
      {
        from: Date.parse('2026-03-02T09:00:01Z'),
        to: Date.parse('2026-03-04T09:00:01Z'),
        reason: 'id_verification',
      },
    ]);
    expect(r.extension?.notifiedAt).toBe(Date.parse('2026-03-05T09:00:00Z'));
    expect(s.signals.erasure?.requestId).toBe('r-1');
  });

  it('records opt-outs: DSR, consent withdrawal of sale_share, GPC per device, objections', () => {
    const t = timeline('2026-05-04T10:00:00Z')
      .add('playback.started', { contentId: 't-1' }, { gpc: true, deviceId: 'tv-1' })
      .add('consent.withdrawn', { purpose: 'sale_share', basis: 'consent' })
      .add('consent.withdrawn', { purpose: 'marketing', basis: 'legitimate_interest' })
      .add('dsr.opened', { requestId: 'r-2', type: 'limit_spi', jurisdiction: 'US-CA' });
    const s = replay(t.events);
    expect(s.signals.gpcDevices['tv-1'].eventId).toBe(t.events[0].eventId);
    expect(s.signals.optOutSale?.source).toBe('consent');
    expect(s.signals.marketingObjection?.eventId).toBe(t.events[2].eventId);
    expect(s.signals.limitSpi?.eventId).toBe(t.events[3].eventId);
    expect(s.holdings.viewing_history.lastCollectedAt).toBe(t.events[0].occurredAt.getTime());
  });

  it('snapshots failed logins before a login from a new country', () => {
    const t = timeline('2026-05-04T10:00:00Z').add('auth.login.succeeded', {}, { country: 'DE' });
    for (let i = 0; i < 6; i++) t.after('1m', 'auth.login.failed', {}, { ipPrefix: `10.0.${i % 3}.0/24` });
    t.after('1m', 'auth.login.succeeded', {}, { country: 'BR' });
    const s = replay(t.events);
    expect(s.lastLogin).toMatchObject({
      country: 'BR',
      newCountry: true,
      failuresBefore: 6,
      failureIpsBefore: 3,
    });
    expect(s.countriesSeen).toEqual(['DE', 'BR']);
  });
});

describe('applyActorEvent', () => {
  it('counts distinct viewers and records a staff actor read', () => {
    const t = timeline('2026-05-04T10:00:00Z', { actorType: 'staff', actorId: 's-1' });
    for (const u of ['a', 'b', 'a', 'c'])
      t.after(
        '1m',
        'data.accessed',
        { categories: ['profile'], purpose: 'support', recordCount: 2 },
        { userId: u },
      );
    const s = t.events.reduce(
      (acc, e) => applyActorEvent(acc, e),
      undefined as ReturnType<typeof applyActorEvent> | undefined,
    )!;
    expect(countDistinct(s.access, t.last.occurredAt.getTime(), HOUR_MS)).toBe(3);
  });
});
