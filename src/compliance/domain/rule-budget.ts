/**
 * Evaluation time per rule across one batch. Save-time bounds keep each evaluation small, but a rule
 * that is merely expensive (a comprehension over a long list, many regular expressions) still adds up
 * over thousands of events. Each rule gets `budgetMs` per batch; once it has spent more, it is skipped
 * for the rest of the batch (the other rules and the batch go on), and the overrun is reported so the
 * rule's owners see it. The batch is not failed: a retry would spend the same time again.
 *
 * One evaluation is not interrupted (CEL evaluation is synchronous); the bounds make it short, and the
 * check before each evaluation makes the overshoot at most one evaluation.
 */
export interface BudgetOverrun {
  ruleId: string;
  ruleVersion: number;
  /** Time the rule spent before it was stopped, in ms. */
  spentMs: number;
  budgetMs: number;
  /** Evaluations it made in this batch. */
  evaluations: number;
  /** Evaluations skipped after it went over. */
  skipped: number;
}

interface RuleAccount {
  ruleVersion: number;
  spentMs: number;
  evaluations: number;
  skipped: number;
}

export interface BudgetedRule {
  readonly def: { readonly id: string; readonly version: number };
}

export class RuleBudget {
  private readonly accounts = new Map<string, RuleAccount>();

  constructor(
    readonly budgetMs: number,
    /** Milliseconds, monotonic; injectable so tests decide what an evaluation costs. */
    readonly now: () => number = () => performance.now(),
  ) {}

  private account(rule: BudgetedRule): RuleAccount {
    let a = this.accounts.get(rule.def.id);
    if (!a) {
      a = { ruleVersion: rule.def.version, spentMs: 0, evaluations: 0, skipped: 0 };
      this.accounts.set(rule.def.id, a);
    }
    return a;
  }

  /** Whether the rule may be evaluated again in this batch (a refusal is counted as a skip). */
  allows(rule: BudgetedRule): boolean {
    const a = this.account(rule);
    if (a.spentMs <= this.budgetMs) return true;
    a.skipped++;
    return false;
  }

  /** Adds one evaluation's time (condition, and finding when it held) to the rule's account. */
  charge(rule: BudgetedRule, ms: number): void {
    const a = this.account(rule);
    a.spentMs += ms;
    a.evaluations++;
  }

  /** The rules that went over their budget in this batch, costliest first. */
  overruns(): BudgetOverrun[] {
    const out: BudgetOverrun[] = [];
    for (const [ruleId, a] of this.accounts) {
      if (a.spentMs > this.budgetMs) {
        out.push({
          ruleId,
          ruleVersion: a.ruleVersion,
          spentMs: Math.round(a.spentMs * 1000) / 1000,
          budgetMs: this.budgetMs,
          evaluations: a.evaluations,
          skipped: a.skipped,
        });
      }
    }
    return out.sort((x, y) => y.spentMs - x.spentMs);
  }
}
