import { seedRuleLanguage } from '../rule-packs';
import { ComplianceEvaluator } from './compliance-evaluator';
import type { RuleDefinition } from './rule';
import { RuleBudget } from './rule-budget';
import { holds, RuleSet, type RuleEvaluationError } from './rule-set';
import { makeEvent } from '../../../tools/testing/compliance/event-factory';
import type { ActorState, ViewerState } from './viewer-state';

const rule = (id: string): { def: { id: string; version: number } } => ({ def: { id, version: 2 } });

describe('RuleBudget', () => {
  it('lets a rule run until it has spent more than its budget, then skips it and reports the overrun', () => {
    const budget = new RuleBudget(25, () => 0);
    const costly = rule('COSTLY-01');
    const cheap = rule('CHEAP-01');
    const runs = { costly: 0, cheap: 0 };
    for (let i = 0; i < 10; i++) {
      if (budget.allows(costly)) {
        runs.costly++;
        budget.charge(costly, 10);
      }
      if (budget.allows(cheap)) {
        runs.cheap++;
        budget.charge(cheap, 1);
      }
    }
    // 10 + 10 + 10 = 30 > 25 after the third evaluation: seven skipped.
    expect(runs).toEqual({ costly: 3, cheap: 10 });
    expect(budget.overruns()).toEqual([
      { ruleId: 'COSTLY-01', ruleVersion: 2, spentMs: 30, budgetMs: 25, evaluations: 3, skipped: 7 },
    ]);
  });

  it('reports nothing when every rule stays within the budget (exactly at it included)', () => {
    const budget = new RuleBudget(10, () => 0);
    budget.charge(rule('A-01'), 10);
    expect(budget.allows(rule('A-01'))).toBe(true);
    expect(budget.overruns()).toEqual([]);
  });
});

describe('ComplianceEvaluator with a budget', () => {
  const def = (id: string): RuleDefinition => ({
    id,
    version: 1,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(b)(1)',
    severity: 'low',
    title: 'Every playback',
    description: 'Test rule: every playback is a finding.',
    remediation: 'Nothing to do.',
    triggers: ['playback.started'],
    condition: 'data.contentId != ""',
  });
  const set = RuleSet.compile([def('EVERY-01'), def('EVERY-02')], seedRuleLanguage());
  const none = { viewers: new Map<string, ViewerState>(), actors: new Map<string, ActorState>() };
  const events = Array.from({ length: 10 }, (_, i) =>
    makeEvent('playback.started', { contentId: `c-${i}` }, { occurredAt: new Date(Date.UTC(2026, 4, 4, 10, i)) }),
  );

  it('skips a rule past its budget for the rest of the batch and names it; the batch completes', () => {
    // Each clock reading advances 5 ms: every evaluation costs 5 ms, so 25 ms allow six of them.
    let t = 0;
    const budget = new RuleBudget(25, () => (t += 5));
    const result = new ComplianceEvaluator(set).evaluateBatch(events, none, { budget });
    const byRule = (id: string) => result.findings.filter((f) => f.ruleId === id).length;
    expect([byRule('EVERY-01'), byRule('EVERY-02')]).toEqual([6, 6]);
    expect(result.overBudget.map((o) => [o.ruleId, o.evaluations, o.skipped])).toEqual([
      ['EVERY-01', 6, 4],
      ['EVERY-02', 6, 4],
    ]);
    expect(result.viewers.size).toBe(1);
  });

  it('without a budget, or within it, every event is judged', () => {
    const plain = new ComplianceEvaluator(set).evaluateBatch(events, none);
    expect(plain.findings).toHaveLength(20);
    expect(plain.overBudget).toEqual([]);
    const roomy = new ComplianceEvaluator(set).evaluateBatch(events, none, { budget: new RuleBudget(60_000) });
    expect(roomy.findings).toHaveLength(20);
    expect(roomy.overBudget).toEqual([]);
  });
});

describe('holds() with a budget (the scheduled checks judge pages of viewer states through it)', () => {
  it('stops evaluating a rule once it is past its budget', () => {
    const language = seedRuleLanguage();
    const rule = language.compile({
      id: 'SCHED-01',
      version: 3,
      framework: 'GDPR',
      reference: 'GDPR Art. 33(1)',
      severity: 'high',
      title: 'Always',
      description: 'Test rule: every breach.',
      remediation: 'Nothing to do.',
      triggers: ['schedule.breach_notification'],
      condition: 'true',
    });
    let t = 0;
    const budget = new RuleBudget(12, () => (t += 5));
    const errors: RuleEvaluationError[] = [];
    const results = Array.from({ length: 10 }, () =>
      holds(rule, { params: rule.params } as never, { userId: 'u-1', eventId: null }, errors, budget),
    );
    // 5, 10, 15 ms: the third evaluation goes over 12, the seven after it are skipped.
    expect(results).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(budget.overruns()).toEqual([
      { ruleId: 'SCHED-01', ruleVersion: 3, spentMs: 15, budgetMs: 12, evaluations: 3, skipped: 7 },
    ]);
    expect(errors).toEqual([]);
  });
});
