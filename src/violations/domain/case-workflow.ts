import { ViolationStatus } from './violation-planner';

/** What a compliance officer can do to a case. */
export type CaseAction = 'assign' | 'acknowledge' | 'resolve' | 'false_positive' | 'comment';

const ALL: readonly ViolationStatus[] = ['open', 'acknowledged', 'resolved', 'false_positive'];

/** From which statuses each action may start, and where it leads (none: the status stays). */
const TRANSITIONS: Record<CaseAction, { from: readonly ViolationStatus[]; to: ViolationStatus | null }> = {
  assign: { from: ['open', 'acknowledged'], to: null },
  acknowledge: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  false_positive: { from: ['open', 'acknowledged'], to: 'false_positive' },
  // A closed case can still be annotated (an auditor's question, a later finding).
  comment: { from: ALL, to: null },
};

export type TransitionResult = { ok: true; to: ViolationStatus } | { ok: false; reason: string };

/** Whether `action` is allowed on a case in `status`, and the status it leaves the case in. */
export function transition(status: ViolationStatus, action: CaseAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      reason: `cannot ${action.replace('_', ' ')} a violation that is ${status.replace('_', ' ')} (allowed from: ${rule.from.join(', ')})`,
    };
  }
  return { ok: true, to: rule.to ?? status };
}
