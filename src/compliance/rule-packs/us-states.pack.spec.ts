/**
 * The US state pack through the real evaluator with every seeded rule: for each state of the table and each
 * obligation it has, a violating and a compliant sequence; the rule fires only for a viewer in that state.
 */
import { createHash } from 'node:crypto';
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import type { ComplianceEvent } from '../domain/compliance-event';
import type { Finding } from '../domain/rule';
import { runScheduledChecks } from '../domain/scheduled-checks';
import { timeline, type Timeline } from '../../../tools/testing/compliance/event-factory';
import { SEED_RULES, seedRuleSet } from './index';
import { US_STATE_PACK } from './us-states.pack';
import { stateRequestCalendar, US_STATE_LAWS, type StatePrivacyLaw } from './us-states.table';

const rules = seedRuleSet();
const T0 = '2026-05-04T10:00:00Z'; // after every law and duty of the table took effect
const adSync = { actorType: 'service' as const, actorId: 'ad-sync' };

const sale = (over: Record<string, unknown> = {}) => ({
  recipient: 'adnetwork',
  recipientType: 'third_party',
  recipientCountry: 'US',
  categories: ['viewing_history', 'email'],
  includesViewingHistory: false,
  saleOrShare: true,
  safeguard: 'none',
  ...over,
});
const crossContextAd = (segments: string[] = ['sports']) => ({ targeting: 'cross_context', segments });

const viewer = (subdivision: string | null, birthYear = 1985, start = T0) =>
  timeline(start, { userId: 'u-1', country: 'US', subdivision }).add('account.created', {
    birthYear,
    country: 'US',
  });

function evaluate(events: readonly ComplianceEvent[]) {
  const batch = new ComplianceEvaluator(rules).evaluateBatch(events, {
    viewers: new Map(),
    actors: new Map(),
  });
  expect(batch.errors).toEqual([]);
  return batch;
}

/** Findings of the pack on the last event of the sequence. */
function stateFindings(t: Timeline): Finding[] {
  const last = t.events[t.events.length - 1].eventId;
  return evaluate(t.events).findings.filter((f) => f.framework === 'US state privacy' && f.eventId === last);
}

const ids = (t: Timeline) => stateFindings(t).map((f) => f.ruleId);

/** Findings of the pack's deadline rules when the scheduler runs at `now`. */
function deadlineFindings(t: Timeline, now: string): string[] {
  const batch = evaluate(t.events);
  const scheduled = runScheduledChecks([...batch.viewers.values()], new Date(now), rules);
  expect(scheduled.errors).toEqual([]);
  return scheduled.findings.filter((f) => f.framework === 'US state privacy').map((f) => f.ruleId);
}

type Obligation = '01' | '02' | '03' | '04';

/** Per obligation: a sequence that breaks it for a viewer in `s`, and the compliant counterpart. */
const SEQUENCES: Record<
  Obligation,
  (law: StatePrivacyLaw) => {
    violating: (s: string | null) => Timeline;
    compliant: (s: string | null) => Timeline;
  }
> = {
  '01': () => ({
    violating: (s) =>
      viewer(s)
        .add('dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
        .after('20d', 'data.shared', sale(), adSync),
    compliant: (s) =>
      viewer(s)
        .add('dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
        .after('10d', 'data.shared', sale(), adSync),
  }),
  '02': (law) => {
    switch (law.sensitive.regime) {
      case 'consent':
        return {
          violating: (s) =>
            viewer(s)
              .add('consent.granted', { purpose: 'ads_targeting', basis: 'consent' })
              .add('ad.served', crossContextAd(['health'])),
          compliant: (s) =>
            viewer(s)
              .add('consent.granted', { purpose: 'ads_targeting', basis: 'consent', explicit: true })
              .add('ad.served', crossContextAd(['health'])),
        };
      case 'opt_out':
        return {
          violating: (s) =>
            viewer(s)
              .add('consent.withdrawn', { purpose: 'ads_targeting', basis: 'consent' })
              .add('ad.served', { targeting: 'profiled', segments: ['health'] }),
          compliant: (s) => viewer(s).add('ad.served', { targeting: 'profiled', segments: ['health'] }),
        };
      case 'strictly_necessary':
        return {
          // Consent does not make a sale of sensitive data lawful.
          violating: (s) =>
            viewer(s)
              .add('consent.granted', { purpose: 'sale_share', basis: 'consent', explicit: true })
              .add('data.shared', sale({ categories: ['precise_geolocation'] }), adSync),
          compliant: (s) =>
            viewer(s).add(
              'data.shared',
              sale({
                recipient: 'cdn',
                recipientType: 'processor',
                saleOrShare: false,
                purpose: 'service_delivery',
                categories: ['precise_geolocation'],
              }),
              adSync,
            ),
        };
    }
  },
  '03': (law) => {
    const teen = law.teen!;
    const minor = (s: string | null) => viewer(s, 2026 - (teen.underAge - 1) - 1); // underAge-1 this year
    const prohibitedAtT0 = teen.prohibitedFrom !== null && Date.parse(teen.prohibitedFrom) <= Date.parse(T0);
    return !prohibitedAtT0
      ? {
          violating: (s) => minor(s).add('ad.served', crossContextAd()),
          compliant: (s) =>
            minor(s)
              .add('consent.granted', { purpose: 'ads_targeting', basis: 'consent' })
              .add('ad.served', crossContextAd()),
        }
      : {
          // Forbidden whatever the consent; an adult is not affected.
          violating: (s) =>
            minor(s)
              .add('consent.granted', { purpose: 'sale_share', basis: 'consent' })
              .add('data.shared', sale(), adSync),
          compliant: (s) =>
            viewer(s)
              .add('consent.granted', { purpose: 'sale_share', basis: 'consent' })
              .add('data.shared', sale(), adSync),
        };
  },
  '04': () => ({
    violating: (s) =>
      viewer(s)
        .add('playback.started', { contentId: 't-1', rating: 'PG' }, { gpc: true, deviceId: 'd1' })
        .after('20d', 'ad.served', crossContextAd(), { deviceId: 'd1' }),
    compliant: (s) =>
      viewer(s)
        .add('playback.started', { contentId: 't-1', rating: 'PG' }, { deviceId: 'd1' })
        .after('20d', 'ad.served', crossContextAd(), { deviceId: 'd1' }),
  }),
};

function obligationsOf(law: StatePrivacyLaw): Obligation[] {
  return (['01', '02', '03', '04'] as const).filter(
    (o) => (o !== '03' || law.teen !== null) && (o !== '04' || law.universalOptOut !== null),
  );
}

/** Another state of the table, to show a rule ignores viewers elsewhere. */
const elsewhere = (law: StatePrivacyLaw) => (law.subdivision === 'US-VA' ? 'US-UT' : 'US-VA');

describe('US state privacy pack', () => {
  it('covers at least twelve states, each rule citing its section, all in the seeded rules', () => {
    expect(US_STATE_LAWS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(US_STATE_LAWS.map((l) => l.subdivision)).size).toBe(US_STATE_LAWS.length);
    for (const rule of US_STATE_PACK) {
      expect(SEED_RULES).toContain(rule);
      expect(rule.id).toMatch(/^US-[A-Z]{2}-0[1-5]$/);
      const law = US_STATE_LAWS.find((l) => rule.id.startsWith(`${l.subdivision}-`))!;
      const sections = [
        law.optOut,
        law.sensitive.citation,
        law.teen?.citation,
        law.universalOptOut?.citation,
        law.requests.citation,
      ]
        .filter((c) => c !== undefined)
        .map((c) => (c.verify ? `${c.section} (verify)` : c.section));
      expect(sections.map((section) => `${law.short}: ${section}`)).toContain(rule.reference);
    }
    expect(new Set(US_STATE_PACK.map((r) => r.id)).size).toBe(US_STATE_PACK.length);
  });

  it('keeps version 1 as migration 1766600000000 shipped it', () => {
    // Databases seeded earlier never see an edit of version 1: change a rule by publishing a new version
    // in a new migration (as CcpaCaliforniaBySubdivision does), then update this pin.
    const digest = createHash('sha256').update(JSON.stringify(US_STATE_PACK)).digest('hex');
    expect(digest).toBe('0ae20cbe873b3051255c52d8f8384db018c24fe65207541f0363041d16c15610');
  });

  it('has a GPC rule exactly for the states that require honouring universal opt-out signals', () => {
    const withGpc = US_STATE_PACK.filter((r) => r.id.endsWith('-04'))
      .map((r) => r.id.slice(0, 5))
      .sort();
    expect(withGpc).toEqual(
      [
        'US-CO',
        'US-CT',
        'US-TX',
        'US-OR',
        'US-MT',
        'US-DE',
        'US-NH',
        'US-NJ',
        'US-NE',
        'US-MN',
        'US-MD',
      ].sort(),
    );
  });

  describe.each(US_STATE_LAWS.map((law) => [law.subdivision, law] as const))('%s', (subdivision, law) => {
    it.each(obligationsOf(law))(
      `${subdivision}-%s fires on the violating sequence only, and only in that state`,
      (o) => {
        const id = `${subdivision}-${o}`;
        const seq = SEQUENCES[o](law);
        expect(ids(seq.violating(subdivision))).toContain(id);
        expect(ids(seq.compliant(subdivision))).not.toContain(id);
        expect(ids(seq.violating(elsewhere(law)))).not.toContain(id);
        // A US viewer whose state is unknown is under no state's law.
        expect(ids(seq.violating(null))).toEqual([]);
      },
    );

    it(`${subdivision}-05 flags a request left open past ${law.requests.days} days, not one within them`, () => {
      const opened = viewer(subdivision).add('dsr.opened', {
        requestId: 'r-1',
        type: 'access',
        jurisdiction: subdivision,
      });
      const day = (n: number) => new Date(Date.parse(T0) + n * 86_400_000).toISOString();
      expect(deadlineFindings(opened, day(law.requests.days + 1))).toEqual([`${subdivision}-05`]);
      expect(deadlineFindings(opened, day(law.requests.days - 1))).toEqual([]);
      const extended = viewer(subdivision)
        .add('dsr.opened', { requestId: 'r-1', type: 'access', jurisdiction: subdivision })
        .after('10d', 'dsr.extended', { requestId: 'r-1', reason: 'complex' });
      expect(deadlineFindings(extended, day(law.requests.days + 1))).toEqual([]);
      expect(deadlineFindings(extended, day(law.requests.days + law.requests.extensionDays + 1))).toEqual([
        `${subdivision}-05`,
      ]);
    });
  });

  it('no GPC finding in states without the duty (Virginia, Utah, Iowa, Tennessee, Indiana, Kentucky, Rhode Island)', () => {
    for (const s of ['US-VA', 'US-UT', 'US-IA', 'US-TN', 'US-IN', 'US-KY', 'US-RI']) {
      expect(ids(SEQUENCES['04'](US_STATE_LAWS[0]).violating(s))).toEqual([]);
    }
  });

  it('honours GPC only from the date the state’s duty began (Delaware: 1 January 2026)', () => {
    const gpcThenAd = (start: string) =>
      viewer('US-DE', 1985, start)
        .add('playback.started', { contentId: 't-1', rating: 'PG' }, { gpc: true, deviceId: 'd1' })
        .after('20d', 'ad.served', crossContextAd(), { deviceId: 'd1' });
    expect(ids(gpcThenAd('2025-06-01T10:00:00Z'))).toEqual([]);
    expect(ids(gpcThenAd('2026-02-01T10:00:00Z'))).toEqual(['US-DE-04']);
    // A signal received before the duty counts once it applies (plus the grace period).
    const early = viewer('US-DE', 1985, '2025-12-20T10:00:00Z')
      .add('playback.started', { contentId: 't-1', rating: 'PG' }, { gpc: true, deviceId: 'd1' })
      .at('2026-01-05T10:00:00Z', 'ad.served', crossContextAd(), { deviceId: 'd1' })
      .at('2026-01-20T10:00:00Z', 'ad.served', crossContextAd(), { deviceId: 'd1' });
    const found = evaluate(early.events).findings.filter((f) => f.ruleId === 'US-DE-04');
    expect(found.map((f) => f.eventId)).toEqual([early.events[early.events.length - 1].eventId]);
  });

  it('applies no state law before it took effect (Indiana, 1 January 2026)', () => {
    const optOutThenSale = (start: string) =>
      viewer('US-IN', 1985, start)
        .add('dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US-IN' })
        .after('20d', 'data.shared', sale(), adSync);
    expect(ids(optOutThenSale('2025-03-01T10:00:00Z'))).toEqual([]);
    expect(ids(optOutThenSale('2026-03-01T10:00:00Z'))).toEqual(['US-IN-01']);
  });

  it('counts a withdrawn ads_targeting consent as an opt-out of targeted ads, not of first-party profiled ads', () => {
    const withdrawn = viewer('US-VA').add('consent.withdrawn', {
      purpose: 'ads_targeting',
      basis: 'consent',
    });
    expect(ids(withdrawn.after('20d', 'ad.served', crossContextAd()))).toEqual(['US-VA-01']);
    const profiled = viewer('US-VA')
      .add('consent.withdrawn', { purpose: 'ads_targeting', basis: 'consent' })
      .after('20d', 'ad.served', { targeting: 'profiled', segments: ['sports'] });
    expect(ids(profiled)).toEqual([]);
  });

  it('sensitive data used for an exempt purpose (the service the viewer asked for) needs no consent', () => {
    const toCdn = (purpose: string) =>
      viewer('US-TX').add(
        'data.shared',
        sale({
          recipient: 'cdn',
          recipientType: 'processor',
          saleOrShare: false,
          purpose,
          categories: ['precise_geolocation'],
        }),
        adSync,
      );
    expect(ids(toCdn('service_delivery'))).toEqual([]);
    expect(ids(toCdn('analytics'))).toEqual(['US-TX-02']);
  });

  it('the minors’ rule reads the known age: a 13-year-old in New Jersey without consent, not an adult', () => {
    const nj = (birthYear: number) => viewer('US-NJ', birthYear).add('ad.served', crossContextAd());
    expect(ids(nj(2012))).toEqual(['US-NJ-03']);
    expect(ids(nj(1990))).toEqual([]);
    // Under 13 is COPPA's (parental consent), not the state teen rule's.
    expect(ids(nj(2018))).toEqual([]);
  });

  it('Connecticut: a minor’s consent suffices until 1 July 2026, nothing does after', () => {
    const consentedTeen = (start: string) =>
      viewer('US-CT', 2009, start)
        .add('consent.granted', { purpose: 'ads_targeting', basis: 'consent' })
        .add('ad.served', crossContextAd());
    expect(ids(consentedTeen('2026-05-04T10:00:00Z'))).toEqual([]);
    expect(ids(consentedTeen('2026-08-03T10:00:00Z'))).toEqual(['US-CT-03']);
    const f = stateFindings(consentedTeen('2026-08-03T10:00:00Z'))[0];
    expect(f.explanation).toMatch(/, which the law forbids\.$/);
  });

  it('deadline rule: a request filed under "US" by a viewer known to live in Texas follows Texas', () => {
    const t = viewer('US-TX').add('dsr.opened', { requestId: 'r-1', type: 'delete', jurisdiction: 'US' });
    expect(deadlineFindings(t, '2026-06-30T10:00:00Z')).toEqual(['US-TX-05']);
    const unknown = viewer(null).add('dsr.opened', { requestId: 'r-1', type: 'delete', jurisdiction: 'US' });
    expect(deadlineFindings(unknown, '2026-06-30T10:00:00Z')).toEqual([]);
  });

  it('explains findings with the state and the times read', () => {
    const [f] = stateFindings(SEQUENCES['04'](US_STATE_LAWS[1]).violating('US-CO'));
    expect(f).toMatchObject({
      ruleId: 'US-CO-04',
      severity: 'high',
      reference: expect.stringContaining('6-1-1306'),
    });
    expect(f.explanation).toMatch(
      /^Viewer u-1 \(US-CO\) sent a Global Privacy Control signal at 2026-05-04T10:00Z; .* 20 d later\.$/,
    );
  });
});

describe('stateRequestCalendar', () => {
  it('gives each covered state its request calendar, and none to a state without a comprehensive law', () => {
    expect(stateRequestCalendar('US-IA')).toBe('ICDPA');
    for (const code of ['US-VA', 'US-CO', 'US-TX', 'US-MD']) expect(stateRequestCalendar(code)).toBe('CCPA');
    expect(stateRequestCalendar('US-AL')).toBeNull();
    for (const law of US_STATE_LAWS) expect(stateRequestCalendar(law.subdivision)).not.toBeNull();
  });
});
