import type { LegalHold } from './legal-holds';
import {
  assembleViewerReport,
  disclosureBasis,
  type ReportConsent,
  type ReportEvent,
  type ViewerReportRows,
} from './viewer-report';

const T = Date.UTC(2026, 2, 1);
const H = 3_600_000;
const DAY = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

function consent(
  purpose: string,
  state: 'granted' | 'withdrawn',
  at: number,
  over: Partial<ReportConsent> = {},
): ReportConsent {
  return {
    eventId: `c-${purpose}-${at}`,
    purpose,
    state,
    basis: 'consent',
    noticeVersion: 'v3',
    explicit: false,
    separateForm: false,
    expiresAt: null,
    occurredAt: at,
    ...over,
  };
}

function share(at: number, data: Record<string, unknown>, type = 'data.shared'): ReportEvent {
  return { eventId: `e-${type}-${at}`, type, occurredAt: at, actorType: 'service', actorId: 'svc', data };
}

function hold(over: Partial<LegalHold>): LegalHold {
  return {
    id: 'h-1',
    userId: 'v-1',
    recordType: null,
    recordId: null,
    reason: 'litigation',
    createdAt: T,
    endsAt: null,
    releasedAt: null,
    ...over,
  };
}

function rows(over: Partial<ViewerReportRows> = {}): ViewerReportRows {
  return {
    userId: 'v-1',
    generatedAt: T + 30 * DAY,
    asOf: null,
    counts: [
      { type: 'account.created', events: 1, firstAt: T, lastAt: T },
      { type: 'playback.started', events: 40, firstAt: T + H, lastAt: T + 20 * DAY },
      { type: 'data.shared', events: 3, firstAt: T + 2 * DAY, lastAt: T + 12 * DAY },
    ],
    events: [
      share(T + 12 * DAY, {
        recipient: 'adnet',
        recipientType: 'third_party',
        recipientCountry: 'us',
        categories: ['viewing_history', 'device_identifiers'],
        purpose: 'ads_targeting',
        safeguard: 'scc',
      }),
      share(T + 2 * DAY, {
        recipient: 'cdn-eu',
        recipientType: 'processor',
        recipientCountry: 'DE',
        categories: ['device_identifiers'],
      }),
      share(T + 5 * DAY, {
        recipient: 'adnet',
        recipientType: 'third_party',
        recipientCountry: 'US',
        categories: ['viewing_history'],
        purpose: 'ads_targeting',
        dpfCertified: true,
      }),
      share(
        T + 6 * DAY,
        { recipient: 'v-1', recipientType: 'data_subject', recipientCountry: 'DE', categories: ['account'] },
        'data.exported',
      ),
      share(T + 7 * DAY, { categories: ['email'], purpose: 'customer_support' }, 'data.accessed'),
      share(T + 8 * DAY, { categories: ['email'] }, 'data.deleted'),
    ],
    consents: [
      consent('ads_targeting', 'granted', T + DAY),
      consent('ads_targeting', 'withdrawn', T + 10 * DAY),
      consent('analytics', 'granted', T + DAY, { expiresAt: T + 400 * DAY }),
    ],
    requests: [
      {
        requestId: 'req-access',
        type: 'access',
        jurisdiction: 'DE',
        calendar: 'GDPR',
        status: 'completed',
        openedAt: T + 3 * DAY,
        dueAt: T + 33 * DAY,
        extended: false,
        completedAt: T + 9 * DAY,
        refusedAt: null,
      },
      {
        requestId: 'req-erase',
        type: 'erasure',
        jurisdiction: 'DE',
        calendar: 'GDPR',
        status: 'open',
        openedAt: T + 4 * DAY,
        dueAt: T + 25 * DAY,
        extended: false,
        completedAt: null,
        refusedAt: null,
      },
    ],
    holds: [hold({ recordType: 'data_category', recordId: 'viewing_history', reason: 'Court order 12/26' })],
    holdings: {
      viewing_history: { firstCollectedAt: T + H, lastCollectedAt: T + 20 * DAY, deletedAt: null },
      account: { firstCollectedAt: T, lastCollectedAt: T, deletedAt: null },
    },
    profile: { country: 'DE', subdivision: 'DE-BY', closedAt: T + 21 * DAY },
    retention: [
      {
        category: 'account',
        ruleId: 'GDPR-08',
        anchor: 'account_closed',
        anchorAt: T + 21 * DAY,
        deleteBy: T + 21 * DAY + 365 * DAY + 1,
      },
      {
        category: 'viewing_history',
        ruleId: 'VPPA-03',
        anchor: 'account_closed',
        anchorAt: T + 21 * DAY,
        deleteBy: T + 21 * DAY + 365 * DAY + 1,
      },
      {
        category: 'viewing_history',
        ruleId: 'GDPR-08',
        anchor: 'account_closed',
        anchorAt: T + 21 * DAY,
        deleteBy: T + 21 * DAY + 730 * DAY + 1,
      },
      {
        category: 'device_identifiers',
        ruleId: 'X-1',
        anchor: 'account_closed',
        anchorAt: T,
        deleteBy: T + 10 * DAY,
      },
    ],
    ...over,
  };
}

describe('viewer report', () => {
  it('lists every category seen, from the events, their payloads and the compliance state', () => {
    const r = assembleViewerReport(rows());
    expect(r.known).toBe(true);
    expect(r.dataCategories.map((c) => [c.category, c.sources, c.status])).toEqual([
      ['account', ['account.created', 'compliance state', 'data.exported'], 'held'],
      ['device_identifiers', ['data.shared'], 'held'],
      ['email', ['data.accessed'], 'deleted'],
      ['viewing_history', ['compliance state', 'data.shared', 'playback.started'], 'held'],
    ]);
    expect(r.dataCategories.find((c) => c.category === 'email')!.deletedAt).toBe(iso(T + 8 * DAY));
    expect(r.summary).toMatchObject({
      events: 44,
      categories: 4,
      recipients: 3,
      disclosures: 4,
      requests: 2,
    });
    expect(r.summary.firstEventAt).toBe(iso(T));
    expect(r.summary.lastEventAt).toBe(iso(T + 20 * DAY));
  });

  it('gives each purpose its current decision and keeps the whole consent history in time order', () => {
    const r = assembleViewerReport(rows());
    expect(r.purposes).toEqual([
      {
        purpose: 'ads_targeting',
        state: 'withdrawn',
        basis: 'consent',
        since: iso(T + 10 * DAY),
        expiresAt: null,
        changes: 2,
      },
      {
        purpose: 'analytics',
        state: 'granted',
        basis: 'consent',
        since: iso(T + DAY),
        expiresAt: iso(T + 400 * DAY),
        changes: 1,
      },
    ]);
    expect(r.consentHistory.map((c) => [c.purpose, c.state])).toEqual([
      ['ads_targeting', 'granted'],
      ['analytics', 'granted'],
      ['ads_targeting', 'withdrawn'],
    ]);
  });

  it('lists every disclosure with its date, country and the legal basis it rested on', () => {
    const r = assembleViewerReport(rows());
    expect(
      r.disclosures.map((d) => [d.recipient, d.at, d.country, d.legalBasis, d.transferSafeguard]),
    ).toEqual([
      ['cdn-eu', iso(T + 2 * DAY), 'DE', 'processor contract (GDPR Art. 28)', null],
      ['adnet', iso(T + 5 * DAY), 'US', `consent (ads_targeting, ${iso(T + DAY)})`, 'dpf'],
      ['v-1', iso(T + 6 * DAY), 'DE', "the viewer's own request", null],
      // After the withdrawal, the same recipient had no basis on record: the report says so.
      ['adnet', iso(T + 12 * DAY), 'US', 'none recorded', 'scc'],
    ]);
    const adnet = r.recipients.find((x) => x.recipient === 'adnet')!;
    expect(adnet).toEqual({
      recipient: 'adnet',
      recipientType: 'third_party',
      country: 'US',
      disclosures: 2,
      firstAt: iso(T + 5 * DAY),
      lastAt: iso(T + 12 * DAY),
      categories: ['device_identifiers', 'viewing_history'],
    });
    expect(r.accesses).toEqual([
      { actorType: 'service', purpose: 'customer_support', events: 1, lastAt: iso(T + 7 * DAY) },
    ]);
  });

  it('a consent that expired before the disclosure is no basis', () => {
    const c = [consent('third_party_sharing', 'granted', T, { expiresAt: T + DAY })];
    const e = { occurredAt: T + 2 * DAY, data: { recipientType: 'third_party' } };
    expect(disclosureBasis(e, c)).toBe('none recorded');
    expect(disclosureBasis({ ...e, occurredAt: T + H }, c)).toBe(`consent (third_party_sharing, ${iso(T)})`);
  });

  it('gives each request its deadline and outcome', () => {
    const r = assembleViewerReport(rows());
    expect(r.requests.map((q) => [q.requestId, q.outcome, q.answeredAt, q.onTime, q.status])).toEqual([
      ['req-access', 'completed', iso(T + 9 * DAY), true, 'completed'],
      ['req-erase', 'pending', null, null, 'open'],
    ]);
  });

  it('dates deletion per category, naming the rules, and shows what a legal hold suspends', () => {
    const r = assembleViewerReport(rows());
    expect(
      r.retention.map((x) => [x.category, x.deleteBy, x.rules, x.status, x.legalHold?.reason ?? null]),
    ).toEqual([
      ['device_identifiers', iso(T + 10 * DAY), ['X-1'], 'overdue', null],
      ['account', iso(T + 386 * DAY + 1), ['GDPR-08'], 'scheduled', null],
      [
        'viewing_history',
        iso(T + 386 * DAY + 1),
        ['VPPA-03'],
        'suspended_by_legal_hold',
        'Court order 12/26',
      ],
    ]);
    expect(r.legalHolds).toEqual([
      {
        holdId: 'h-1',
        scope: 'data_category viewing_history',
        reason: 'Court order 12/26',
        createdAt: iso(T),
        endsAt: null,
        releasedAt: null,
        active: true,
      },
    ]);
    // A whole-viewer hold suspends every category and the erasure request, not the access request.
    const whole = assembleViewerReport(rows({ holds: [hold({})] }));
    expect(whole.retention.every((x) => x.status === 'suspended_by_legal_hold')).toBe(true);
    expect(whole.requests.map((q) => q.legalHold)).toEqual([null, 'h-1']);
    // A released hold suspends nothing.
    const released = assembleViewerReport(rows({ holds: [hold({ releasedAt: T + DAY })] }));
    expect(released.retention.some((x) => x.status === 'suspended_by_legal_hold')).toBe(false);
    expect(released.legalHolds[0]).toMatchObject({ active: false, releasedAt: iso(T + DAY) });
  });

  it('cut at an instant, leaves out what came later and reads a later answer as pending', () => {
    const r = assembleViewerReport(rows({ asOf: T + 8 * DAY - H }));
    expect(r.asOf).toBe(iso(T + 8 * DAY - H));
    expect(r.disclosures.map((d) => d.at)).toEqual([iso(T + 2 * DAY), iso(T + 5 * DAY), iso(T + 6 * DAY)]);
    expect(r.purposes.find((p) => p.purpose === 'ads_targeting')!.state).toBe('granted');
    expect(r.requests.map((q) => [q.requestId, q.outcome])).toEqual([
      ['req-access', 'pending'],
      ['req-erase', 'pending'],
    ]);
    expect(r.profile.accountClosedAt).toBeNull();
    expect(r.retention).toEqual([]);
    expect(r.dataCategories.find((c) => c.category === 'email')!.status).toBe('held');
  });

  it('of an id nothing is stored about, is empty and says so', () => {
    const r = assembleViewerReport({
      ...rows(),
      counts: [],
      events: [],
      consents: [],
      requests: [],
      holds: [],
      holdings: {},
      retention: [],
      profile: { country: null, subdivision: null, closedAt: null },
    });
    expect(r.known).toBe(false);
    expect(r.dataCategories).toEqual([]);
    expect(r.summary).toMatchObject({ events: 0, firstEventAt: null, lastEventAt: null, recipients: 0 });
  });
});
