/**
 * Every time-driven check over stored viewer states, for a scheduler job: request deadlines, retention,
 * breach notification to the authority, and notices to recipients after an erasure.
 */
import { dsrSubjectsOf, findOverdue } from './deadlines';
import { findRetentionBreaches, retentionAnchorsOf } from './retention';
import type { Finding } from './rule';
import { BreachView, RecipientNoticeView, ReferenceView, ViewerView } from './rule-context';
import type { RuleBudget } from './rule-budget';
import { buildFinding, holds, type RuleEvaluationError, type RuleSet } from './rule-set';
import type { ViewerState } from './viewer-state';

export function findBreachNotificationLapses(
  states: readonly ViewerState[],
  now: Date,
  rules: RuleSet,
  errors: RuleEvaluationError[] = [],
  budget?: RuleBudget,
): Finding[] {
  const at = now.getTime();
  const ref = new ReferenceView(rules.reference, at);
  const findings: Finding[] = [];
  for (const rule of rules.forSchedule('schedule.breach_notification')) {
    for (const state of states) {
      for (const b of Object.values(state.breaches)) {
        const ctx = { breach: new BreachView(b), now: at, ref, params: rule.params };
        if (holds(rule, ctx, { userId: state.userId, eventId: null }, errors, budget)) {
          findings.push(
            buildFinding(rule, ctx, {
              userId: state.userId,
              eventId: null,
              occurredAt: at,
              subjectKey: `breach:${b.breachId}`,
            }),
          );
        }
      }
    }
  }
  return findings;
}

/** Recipients that got the viewer's data before a completed erasure, one subject per recipient. */
export function erasureNoticesOf(state: ViewerState): RecipientNoticeView[] {
  const notices: RecipientNoticeView[] = [];
  for (const r of Object.values(state.dsrs)) {
    if (r.completedAt === null || (r.type !== 'erasure' && r.type !== 'delete')) continue;
    for (const [recipient, shared] of Object.entries(state.recipients)) {
      if (shared.firstSharedAt > r.completedAt) continue;
      notices.push(
        new RecipientNoticeView(
          r.requestId,
          recipient,
          r.completedAt,
          shared.lastSharedAt,
          r.recipientsNotified.includes(recipient),
          r.closedEventId ?? r.openedEventId,
        ),
      );
    }
  }
  return notices;
}

export function findErasureNoticeLapses(
  states: readonly ViewerState[],
  now: Date,
  rules: RuleSet,
  errors: RuleEvaluationError[] = [],
  budget?: RuleBudget,
): Finding[] {
  const at = now.getTime();
  const ref = new ReferenceView(rules.reference, at);
  const findings: Finding[] = [];
  const list = rules.forSchedule('schedule.erasure_recipient_notice');
  if (list.length === 0) return findings;
  for (const state of states) {
    const notices = erasureNoticesOf(state);
    if (notices.length === 0) continue;
    const viewer = new ViewerView(state, at, null, null);
    for (const notice of notices) {
      for (const rule of list) {
        const ctx = { notice, viewer, now: at, ref, params: rule.params };
        if (holds(rule, ctx, { userId: state.userId, eventId: null }, errors, budget)) {
          findings.push(
            buildFinding(rule, ctx, {
              userId: state.userId,
              eventId: null,
              occurredAt: at,
              subjectKey: `notice:${notice.requestId}:${notice.recipient}`,
            }),
          );
        }
      }
    }
  }
  return findings;
}

export interface ScheduledRun {
  findings: Finding[];
  errors: RuleEvaluationError[];
}

/** All scheduled checks over a page of viewer states (the job pages through the table). */
export function runScheduledChecks(
  states: readonly ViewerState[],
  now: Date,
  rules: RuleSet,
  legalHolds: (userId: string) => ReadonlySet<string> = () => new Set(),
): ScheduledRun {
  const errors: RuleEvaluationError[] = [];
  const byId = new Map(states.map((s) => [s.userId, s]));
  const findings = [
    ...findOverdue(states.flatMap(dsrSubjectsOf), now, rules, errors),
    ...findRetentionBreaches(
      states.flatMap((s) => retentionAnchorsOf(s, legalHolds(s.userId))),
      now,
      rules,
      byId,
      errors,
    ),
    ...findBreachNotificationLapses(states, now, rules, errors),
    ...findErasureNoticeLapses(states, now, rules, errors),
  ];
  return { findings, errors };
}
