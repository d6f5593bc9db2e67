/**
 * CCPA/CPRA protects California residents only: the CCPA rules select viewers by ISO 3166-2 subdivision
 * (the event's, else the latest the viewer's events carried, else the account's), and a US viewer whose
 * state is unknown is not Californian unless the rule parameter unknownUsState says "california".
 */
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import type { ComplianceEvent } from '../domain/compliance-event';
import type { RuleDefinition } from '../domain/rule';
import { RuleSet } from '../domain/rule-set';
import { timeline, type Timeline } from '../../../tools/testing/compliance/event-factory';
import { SEED_RULES, seedRuleLanguage } from './index';

const T0 = '2026-05-04T10:00:00Z'; // a Monday
const ad = { ...{ actorType: 'service' as const, actorId: 'ad-sync' } };
const saleShare = {
  recipient: 'adnetwork',
  recipientType: 'third_party',
  recipientCountry: 'US',
  categories: ['viewing_history', 'email'],
  includesViewingHistory: false,
  saleOrShare: true,
  safeguard: 'none',
};

type Where = { subdivision: string | null };

/** A US adult whose events carry `where.subdivision` (null: the state is unknown). */
const usAdult = (where: Where) =>
  timeline(T0, { userId: 'u-1', country: 'US', subdivision: where.subdivision }).add('account.created', {
    birthYear: 1985,
    country: 'US',
  });

/** Per CCPA rule: a sequence that violates it for a Californian, and the compliant counterpart. */
const CASES: Record<string, { violating: (w: Where) => Timeline; compliant: (w: Where) => Timeline }> = {
  'CCPA-01': {
    violating: (w) =>
      usAdult(w)
        .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
        .at('2026-07-01T10:00:00Z', 'data.shared', saleShare, ad),
    compliant: (w) =>
      usAdult(w)
        .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
        .at('2026-06-05T10:00:00Z', 'data.shared', saleShare, ad),
  },
  'CCPA-02': {
    violating: (w) =>
      usAdult(w)
        .add('playback.started', { contentId: 't-1', rating: 'PG' }, { gpc: true, deviceId: 'd1' })
        .after('30d', 'data.shared', saleShare, { ...ad, deviceId: 'd1' }),
    compliant: (w) =>
      usAdult(w)
        .add('playback.started', { contentId: 't-1', rating: 'PG' }, { deviceId: 'd1' })
        .after('30d', 'data.shared', saleShare, { ...ad, deviceId: 'd1' }),
  },
  'CCPA-04': {
    violating: (w) =>
      timeline(T0, { userId: 'u-1', country: 'US', subdivision: w.subdivision })
        .add('account.created', { birthYear: 2011, country: 'US' })
        .add('data.shared', saleShare, ad),
    compliant: (w) =>
      timeline(T0, { userId: 'u-1', country: 'US', subdivision: w.subdivision })
        .add('account.created', { birthYear: 2011, country: 'US' })
        .add('consent.granted', { purpose: 'sale_share', basis: 'consent' })
        .add('data.shared', saleShare, ad),
  },
  'CCPA-05': {
    violating: (w) =>
      usAdult(w)
        .add('dsr.opened', { requestId: 'r-1', type: 'limit_spi', jurisdiction: 'US' })
        .after('25d', 'ad.served', { targeting: 'profiled', segments: ['precise_geo'] }),
    compliant: (w) =>
      usAdult(w)
        .add('dsr.opened', { requestId: 'r-1', type: 'limit_spi', jurisdiction: 'US' })
        .after('25d', 'ad.served', { targeting: 'profiled', segments: ['sports'] }),
  },
};

function ruleSetWith(unknownUsState?: string): RuleSet {
  const defs: RuleDefinition[] = SEED_RULES.map((def) =>
    unknownUsState !== undefined && def.parameters?.unknownUsState
      ? {
          ...def,
          parameters: {
            ...def.parameters,
            unknownUsState: { ...def.parameters.unknownUsState, default: unknownUsState },
          },
        }
      : def,
  );
  return RuleSet.compile(defs, seedRuleLanguage());
}

const DEFAULT_RULES = ruleSetWith();

function raised(ruleId: string, events: readonly ComplianceEvent[], rules = DEFAULT_RULES): boolean {
  const batch = new ComplianceEvaluator(rules).evaluateBatch(events, { viewers: new Map(), actors: new Map() });
  expect(batch.errors).toEqual([]);
  return batch.findings.some((f) => f.ruleId === ruleId && f.eventId === events[events.length - 1].eventId);
}

describe('CCPA/CPRA applies to California residents only', () => {
  it('no shipped rule still reads unknownUsStateIsCalifornia; each CCPA viewer rule has unknownUsState, default not_california', () => {
    for (const def of SEED_RULES) {
      expect(JSON.stringify(def)).not.toContain('unknownUsStateIsCalifornia');
      if (def.id in CASES) {
        expect(def.parameters?.unknownUsState).toMatchObject({ default: 'not_california' });
      }
    }
  });

  describe.each(Object.entries(CASES))('%s', (ruleId, c) => {
    it('fires for a viewer in US-CA, and not on the compliant sequence', () => {
      expect(raised(ruleId, c.violating({ subdivision: 'US-CA' }).events)).toBe(true);
      expect(raised(ruleId, c.compliant({ subdivision: 'US-CA' }).events)).toBe(false);
    });

    it('does not fire for a viewer in another state (US-TX)', () => {
      expect(raised(ruleId, c.violating({ subdivision: 'US-TX' }).events)).toBe(false);
      expect(raised(ruleId, c.compliant({ subdivision: 'US-TX' }).events)).toBe(false);
    });

    it('does not fire for a US viewer whose state is unknown, by default', () => {
      expect(raised(ruleId, c.violating({ subdivision: null }).events)).toBe(false);
    });

    it('fires for an unknown US state when unknownUsState is "california"', () => {
      const cautious = ruleSetWith('california');
      expect(raised(ruleId, c.violating({ subdivision: null }).events, cautious)).toBe(true);
      expect(raised(ruleId, c.compliant({ subdivision: null }).events, cautious)).toBe(false);
      // A known other state is not California, whatever the parameter says.
      expect(raised(ruleId, c.violating({ subdivision: 'US-TX' }).events, cautious)).toBe(false);
    });
  });

  it('remembers the latest subdivision: an event without one uses the viewer state (service events carry none)', () => {
    const events = usAdult({ subdivision: null })
      .add('playback.started', { contentId: 't-1', rating: 'PG' }, { subdivision: 'US-TX' })
      .add('playback.started', { contentId: 't-1', rating: 'PG' }, { subdivision: 'US-CA' })
      .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
      .at('2026-07-01T10:00:00Z', 'data.shared', saleShare, { ...ad, country: null }).events;
    expect(raised('CCPA-01', events)).toBe(true);

    const movedAway = usAdult({ subdivision: null })
      .add('playback.started', { contentId: 't-1', rating: 'PG' }, { subdivision: 'US-CA' })
      .add('playback.started', { contentId: 't-1', rating: 'PG' }, { subdivision: 'US-TX' })
      .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
      .at('2026-07-01T10:00:00Z', 'data.shared', saleShare, { ...ad, country: null }).events;
    expect(raised('CCPA-01', movedAway)).toBe(false);
  });

  it('reads an account created with country US-CA as Californian, and ignores a subdivision outside the account country', () => {
    const account = timeline(T0, { userId: 'u-1', country: 'US' })
      .add('account.created', { birthYear: 1985, country: 'US-CA' })
      .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
      .at('2026-07-01T10:00:00Z', 'data.shared', saleShare, ad).events;
    expect(raised('CCPA-01', account)).toBe(true);

    const germanVisitor = timeline(T0, { userId: 'u-1', country: 'US', subdivision: 'US-CA' })
      .add('account.created', { birthYear: 1985, country: 'DE' })
      .at('2026-06-01T10:00:00Z', 'dsr.opened', { requestId: 'r-1', type: 'opt_out_sale', jurisdiction: 'US' })
      .at('2026-07-01T10:00:00Z', 'data.shared', saleShare, ad).events;
    expect(raised('CCPA-01', germanVisitor)).toBe(false);
  });
});
