/**
 * Retention as a pure check over stored anchors: for each category of a viewer's data still held, the
 * anchor its retention period runs from (account closed, else last activity) and whether a legal hold
 * keeps it. `schedule.retention` rules compare `now` with `item.anchorAt` plus their configured period.
 */
import type { Finding } from './rule';
import type { RuleBudget } from './rule-budget';
import { ReferenceView, RetentionItemView, ViewerView } from './rule-context';
import { buildFinding, holds, type RuleEvaluationError, type RuleSet } from './rule-set';
import { emptyViewerState, type ViewerState } from './viewer-state';

export interface RetentionAnchor {
  userId: string;
  category: string;
  anchor: 'account_closed' | 'last_activity';
  anchorAt: number;
  lastCollectedAt: number;
  held: boolean;
  legalHold: boolean;
  /** The event that set the anchor (account.closed), when known. */
  eventId: string | null;
}

/** Anchors of one viewer; `legalHolds` lists categories kept under Art. 17(3) / a court order. */
export function retentionAnchorsOf(
  state: ViewerState,
  legalHolds: ReadonlySet<string> = new Set(),
): RetentionAnchor[] {
  const closed = state.profile.closedAt;
  return Object.entries(state.holdings).map(([category, h]) => ({
    userId: state.userId,
    category,
    anchor: closed !== null ? 'account_closed' : 'last_activity',
    // An open account's period runs from the later of the viewer's last activity and the last collection.
    anchorAt: closed ?? Math.max(state.profile.lastActivityAt ?? 0, h.lastCollectedAt),
    lastCollectedAt: h.lastCollectedAt,
    held: h.deletedAt === null || h.lastCollectedAt > h.deletedAt,
    legalHold: legalHolds.has(category),
    eventId: closed !== null ? state.profile.closedEventId : null,
  }));
}

export function findRetentionBreaches(
  anchors: readonly RetentionAnchor[],
  now: Date,
  rules: RuleSet,
  viewers: ReadonlyMap<string, ViewerState> = new Map(),
  errors: RuleEvaluationError[] = [],
  budget?: RuleBudget,
): Finding[] {
  const at = now.getTime();
  const ref = new ReferenceView(rules.reference, at);
  const findings: Finding[] = [];
  const rulesToRun = rules.forSchedule('schedule.retention');
  if (rulesToRun.length === 0) return findings;
  for (const a of anchors) {
    // Data under a legal hold is kept whatever a rule's condition says: no deletion-overdue finding.
    if (a.legalHold) continue;
    const ctx = {
      item: new RetentionItemView(
        a.category,
        a.anchor,
        a.anchorAt,
        a.lastCollectedAt,
        a.held,
        a.legalHold,
        a.eventId ?? '',
      ),
      viewer: new ViewerView(viewers.get(a.userId) ?? emptyViewerState(a.userId), at, null, null),
      now: at,
      ref,
      params: {} as object,
    };
    for (const rule of rulesToRun) {
      ctx.params = rule.params;
      if (holds(rule, ctx, { userId: a.userId, eventId: null }, errors, budget)) {
        findings.push(
          buildFinding(rule, ctx, {
            userId: a.userId,
            eventId: null,
            occurredAt: at,
            subjectKey: `retention:${a.category}:${a.anchorAt}`,
          }),
        );
      }
    }
  }
  return findings;
}
