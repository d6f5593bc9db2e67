import { seedRuleLanguage, seedRuleSet } from '../rule-packs';
import type { RuleDefinition } from './rule';
import { RuleSet } from './rule-set';
import { periodCandidatesDays, retentionSchedule } from './retention-schedule';
import { emptyViewerState, type ViewerState } from './viewer-state';

const T = Date.UTC(2026, 0, 10);
const DAY = 86_400_000;

function viewer(over: { country?: string; closedAt?: number | null; birthYear?: number } = {}): ViewerState {
  const s = emptyViewerState('v-1');
  s.profile.country = over.country ?? 'DE';
  s.profile.closedAt = over.closedAt === undefined ? T : over.closedAt;
  s.profile.lastActivityAt = T - DAY;
  if (over.birthYear) s.profile.birthYear = over.birthYear;
  s.holdings = {
    viewing_history: { firstCollectedAt: T - 30 * DAY, lastCollectedAt: T - DAY, deletedAt: null },
    account: { firstCollectedAt: T - 30 * DAY, lastCollectedAt: T - 30 * DAY, deletedAt: null },
    age_verification: { firstCollectedAt: T - 30 * DAY, lastCollectedAt: T - 30 * DAY, deletedAt: T - 2 * DAY },
  };
  return s;
}

describe('retention schedule', () => {
  it('reads every number among the parameters as a candidate period', () => {
    expect(periodCandidatesDays({ a: { x: 30, y: 365 }, b: 7, c: 'text', d: [1, 2] })).toEqual([7, 30, 365]);
    expect(periodCandidatesDays(undefined)).toEqual([]);
  });

  it('dates each held category of a closed EEA account by the rule that would first call it overdue', () => {
    const due = retentionSchedule(viewer(), seedRuleSet());
    expect(due.map((d) => [d.category, d.ruleId, (d.deleteBy - T - 1) / DAY])).toEqual([
      ['account', 'GDPR-08', 365],
      ['viewing_history', 'GDPR-08', 730],
    ]);
    // age_verification was deleted after its last collection: nothing left to delete.
    expect(due.find((d) => d.category === 'age_verification')).toBeUndefined();
  });

  it('gives an open adult account no date (the seeded rules count only closed accounts for adults)', () => {
    expect(retentionSchedule(viewer({ closedAt: null }), seedRuleSet())).toEqual([]);
  });

  it('follows a rule that counts from the last activity, and changed parameters move the date', () => {
    const rule = (days: number): RuleDefinition => ({
      id: 'TEST-RET',
      version: 1,
      framework: 'GDPR',
      reference: 'test',
      severity: 'medium',
      title: 'Viewing history kept too long',
      description: 'Test rule.',
      remediation: 'Delete it.',
      triggers: ['schedule.retention'],
      condition: 'item.held && item.category == "viewing_history" && now > item.anchorAt + days(params.keep)',
      parameters: { keep: { type: 'number', default: days, description: 'days' } },
    });
    const open = viewer({ closedAt: null });
    for (const days of [90, 400]) {
      const due = retentionSchedule(open, RuleSet.compile([rule(days)], seedRuleLanguage()));
      expect(due).toEqual([
        {
          category: 'viewing_history',
          ruleId: 'TEST-RET',
          anchor: 'last_activity',
          anchorAt: T - DAY,
          deleteBy: T - DAY + days * DAY + 1,
        },
      ]);
    }
  });
});
