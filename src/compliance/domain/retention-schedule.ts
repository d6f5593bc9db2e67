/**
 * When retention will delete each category of a viewer's data, as the active `schedule.retention` rules
 * judge it. The rules are expressions, so the date is found by asking them rather than by reading their
 * text: a retention rule compares `now` with the anchor plus a period taken from its parameters, so the
 * only instants at which its answer can turn are the anchor plus one of those periods. Each candidate
 * instant is tried in time order, and the first at which a rule would raise a deletion-overdue finding
 * is that rule's deletion date for the category. A rule whose parameters hold no period (or whose
 * condition never holds for this viewer, e.g. a children's rule for an adult) sets no date.
 *
 * Dates are as of the data held now: for an open account the anchor is the last activity, so a later
 * activity moves every date on. Legal holds are reported by the caller (viewer-report.ts): the rules are
 * asked with the hold off, so the report can say what the hold postpones.
 */
import type { CompiledRule } from './rule-language';
import { findRetentionBreaches, retentionAnchorsOf, type RetentionAnchor } from './retention';
import { RuleSet } from './rule-set';
import type { ViewerState } from './viewer-state';

const DAY_MS = 86_400_000;

export interface RetentionDue {
  category: string;
  ruleId: string;
  anchor: RetentionAnchor['anchor'];
  anchorAt: number;
  /** The first instant at which the rule counts the category as kept too long. */
  deleteBy: number;
}

/** Every number among a rule's parameters (plain numbers and the values of maps), read as days. */
export function periodCandidatesDays(params: object | undefined): number[] {
  const days = new Set<number>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) days.add(value);
    else if (value !== null && typeof value === 'object' && depth < 2 && !Array.isArray(value))
      for (const v of Object.values(value)) visit(v, depth + 1);
  };
  if (params) for (const v of Object.values(params)) visit(v, 0);
  return [...days].sort((a, b) => a - b);
}

/** The retention dates of the categories still held in `state`, one per (category, rule) that sets one. */
export function retentionSchedule(state: ViewerState, rules: RuleSet): RetentionDue[] {
  const retentionRules = rules.forSchedule('schedule.retention');
  const due: RetentionDue[] = [];
  if (retentionRules.length === 0) return due;
  const viewers = new Map([[state.userId, state]]);
  for (const anchor of retentionAnchorsOf(state)) {
    if (!anchor.held) continue;
    for (const rule of retentionRules) {
      const deleteBy = firstBreach(anchor, rule, rules, viewers);
      if (deleteBy !== null)
        due.push({
          category: anchor.category,
          ruleId: rule.def.id,
          anchor: anchor.anchor,
          anchorAt: anchor.anchorAt,
          deleteBy,
        });
    }
  }
  return due.sort((a, b) => a.deleteBy - b.deleteBy || a.category.localeCompare(b.category));
}

function firstBreach(
  anchor: RetentionAnchor,
  rule: CompiledRule,
  rules: RuleSet,
  viewers: ReadonlyMap<string, ViewerState>,
): number | null {
  const single = new RuleSet([rule], rules.reference);
  // One millisecond past the period: the rules say "now > anchor + period".
  for (const days of periodCandidatesDays(rule.params)) {
    const at = anchor.anchorAt + days * DAY_MS + 1;
    if (findRetentionBreaches([{ ...anchor, legalHold: false }], new Date(at), single, viewers).length > 0)
      return at;
  }
  return null;
}
