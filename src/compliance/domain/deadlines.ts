/**
 * Data-subject request deadlines: the pure calendars (dsr-calendar.ts) and the scheduler's check. The
 * scheduler job loads open requests and calls `findOverdue(requests, now, rules)`; no event is needed
 * for a request to become overdue. Which calendar applies, and to which requests, is rule data: each
 * `schedule.dsr_deadline` rule names its calendar in the parameter `calendar` and selects requests in
 * its condition (typically `request.jurisdiction`, `request.type`, `!request.closed && now > request.due`).
 */
import type { Finding } from './rule';
import type { RuleBudget } from './rule-budget';
import { RequestView, ReferenceView, ViewerView } from './rule-context';
import { buildFinding, holds, type RuleEvaluationError, type RuleSet } from './rule-set';
import { DSR_CALENDARS, type DsrCalendar } from './dsr-calendar';
import { emptyViewerState, type DsrRecord, type ViewerState } from './viewer-state';

export {
  addCalendarMonths,
  calendarForJurisdiction,
  computeDue,
  computeDueDetail,
  DSR_CALENDARS,
  endOfDay,
  pausedMs,
  type DsrCalendar,
  type DsrTimeline,
  type DueDateDetail,
} from './dsr-calendar';

export interface DsrSubject {
  userId: string;
  request: DsrRecord;
  /** The viewer's state, when a rule reads it (country, age); an empty state otherwise. */
  viewer?: ViewerState;
}

export function calendarOfRule(params: Record<string, unknown>): DsrCalendar {
  const c = params.calendar;
  if (typeof c === 'string' && (DSR_CALENDARS as readonly string[]).includes(c)) return c as DsrCalendar;
  throw new Error(`schedule.dsr_deadline rules need a "calendar" parameter (${DSR_CALENDARS.join(', ')})`);
}

export function findOverdue(
  requests: readonly DsrSubject[],
  now: Date,
  rules: RuleSet,
  errors: RuleEvaluationError[] = [],
  budget?: RuleBudget,
): Finding[] {
  const at = now.getTime();
  const findings: Finding[] = [];
  const ref = new ReferenceView(rules.reference, at);
  for (const rule of rules.forSchedule('schedule.dsr_deadline')) {
    const calendar = calendarOfRule(rule.paramValues);
    for (const { userId, request, viewer } of requests) {
      const state = viewer ?? emptyViewerState(userId);
      const ctx = {
        request: new RequestView(request, calendar, at),
        viewer: new ViewerView(state, at, null, null),
        now: at,
        ref,
        params: rule.params,
      };
      if (holds(rule, ctx, { userId, eventId: null }, errors, budget)) {
        findings.push(
          buildFinding(rule, ctx, {
            userId,
            eventId: null,
            occurredAt: at,
            subjectKey: `dsr:${request.requestId}`,
          }),
        );
      }
    }
  }
  return findings;
}

/** Open requests of a viewer, as scheduler subjects. */
export function dsrSubjectsOf(state: ViewerState): DsrSubject[] {
  return Object.values(state.dsrs).map((request) => ({ userId: state.userId, request, viewer: state }));
}
