/**
 * Legal response deadlines for data-subject requests, as pure date arithmetic (UTC). A deadline is the
 * last instant of its due day: a request received on 31 Mar under GDPR is on time until 30 Apr 24:00.
 *
 * - GDPR Art. 12(3): one calendar month (same date next month, or that month's last day if it has none;
 *   Reg. 1182/71 Art. 3(2)(c)); a notified extension, sent before the first due date, makes the whole
 *   period three months from receipt.
 * - UK GDPR Art. 12(3) + Art. 12A (DUAA 2025): as GDPR, but the clock stops while the request is paused
 *   (identity verification, clarification, fee): paused time is added to the due date.
 * - CCPA §1798.130(a)(2)(A), 11 CCR §7021: 45 calendar days, +45 when the extension is notified within
 *   the first 45 (90 at most).
 * - US state privacy laws: most give 45 days +45 (the CCPA calendar); Iowa Code §715D.3(2) gives 90 days,
 *   +45 when the extension is notified within the first 90 (ICDPA; verify).
 * - LGPD Art. 19, II: 15 days.
 * - PIPEDA s.8(3)-(4): 30 days, +30 when the extension notice is sent within the first 30.
 */

export type DsrCalendar = 'GDPR' | 'UK_GDPR' | 'CCPA' | 'ICDPA' | 'LGPD' | 'PIPEDA';

export const DSR_CALENDARS: readonly DsrCalendar[] = ['GDPR', 'UK_GDPR', 'CCPA', 'ICDPA', 'LGPD', 'PIPEDA'];

/** The parts of a request its deadline depends on (a DsrRecord fits; times in epoch ms or Date). */
export interface DsrTimeline {
  openedAt: number | Date;
  extension?: { notifiedAt: number | Date } | null;
  pauses?: ReadonlyArray<{ from: number | Date; to: number | Date | null }>;
}

const DAY_MS = 86_400_000;

function ms(t: number | Date): number {
  return typeof t === 'number' ? t : t.getTime();
}

/** End (last millisecond) of the UTC day containing `t`. */
export function endOfDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS + DAY_MS - 1;
}

/**
 * Same day-of-month `months` later, clamped to that month's last day (31 Jan + 1 month = 28/29 Feb).
 * Keeps the time of day.
 */
export function addCalendarMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(y, m, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

function addDays(t: number, days: number): number {
  return t + days * DAY_MS;
}

/** Time the clock was stopped, counting an open pause up to `asOf`. */
export function pausedMs(request: DsrTimeline, asOf: number | null): number {
  let total = 0;
  for (const p of request.pauses ?? []) {
    const from = ms(p.from);
    const to = p.to === null ? (asOf ?? from) : ms(p.to);
    if (to > from) total += to - from;
  }
  return total;
}

interface CalendarRule {
  first: (openedAt: number) => number;
  extended: ((openedAt: number) => number) | null;
  stopsClock: boolean;
}

const CALENDARS: Record<DsrCalendar, CalendarRule> = {
  GDPR: {
    first: (t) => endOfDay(addCalendarMonths(t, 1)),
    extended: (t) => endOfDay(addCalendarMonths(t, 3)),
    stopsClock: false,
  },
  UK_GDPR: {
    first: (t) => endOfDay(addCalendarMonths(t, 1)),
    extended: (t) => endOfDay(addCalendarMonths(t, 3)),
    stopsClock: true,
  },
  CCPA: {
    first: (t) => endOfDay(addDays(t, 45)),
    extended: (t) => endOfDay(addDays(t, 90)),
    stopsClock: false,
  },
  ICDPA: {
    first: (t) => endOfDay(addDays(t, 90)),
    extended: (t) => endOfDay(addDays(t, 135)),
    stopsClock: false,
  },
  LGPD: { first: (t) => endOfDay(addDays(t, 15)), extended: null, stopsClock: false },
  PIPEDA: {
    first: (t) => endOfDay(addDays(t, 30)),
    extended: (t) => endOfDay(addDays(t, 60)),
    stopsClock: false,
  },
};

export interface DueDateDetail {
  due: Date;
  firstDue: Date;
  extended: boolean;
  /** An extension was notified, but too late to count. */
  extensionTooLate: boolean;
  pausedMs: number;
}

/**
 * Due date of a request under a calendar. `asOf` matters only for a request whose clock is stopped right
 * now (UK): the open pause counts until `asOf` (default: the pause start, i.e. as if resumed at once).
 */
export function computeDue(request: DsrTimeline, calendar: DsrCalendar, asOf?: Date): Date {
  return computeDueDetail(request, calendar, asOf).due;
}

export function computeDueDetail(request: DsrTimeline, calendar: DsrCalendar, asOf?: Date): DueDateDetail {
  const rule = CALENDARS[calendar];
  const opened = ms(request.openedAt);
  const paused = rule.stopsClock ? pausedMs(request, asOf ? asOf.getTime() : null) : 0;
  const firstDue = rule.first(opened) + paused;
  const notifiedAt = request.extension ? ms(request.extension.notifiedAt) : null;
  const extended = rule.extended !== null && notifiedAt !== null && notifiedAt <= firstDue;
  const due = extended && rule.extended ? rule.extended(opened) + paused : firstDue;
  return {
    due: new Date(due),
    firstDue: new Date(firstDue),
    extended,
    extensionTooLate: notifiedAt !== null && !extended,
    pausedMs: paused,
  };
}

/**
 * Which calendar a request's jurisdiction follows: EU/EEA codes → GDPR, GB/UK → UK GDPR, US-CA (or US)
 * → CCPA, another US state → what `usState` says (the state pack's table: most 45+45 days, Iowa 90+45;
 * none for a state without a comprehensive privacy law), BR → LGPD, CA (Canada) → PIPEDA. `eea` decides
 * what counts as EEA.
 */
export function calendarForJurisdiction(
  jurisdiction: string,
  eea: (code: string) => boolean,
  usState: (subdivision: string) => DsrCalendar | null = () => null,
): DsrCalendar | null {
  const j = jurisdiction.toUpperCase();
  if (j === 'GB' || j === 'UK') return 'UK_GDPR';
  if (j === 'EU' || j === 'EEA' || eea(j)) return 'GDPR';
  if (j === 'US-CA' || j === 'US') return 'CCPA';
  if (j.startsWith('US-')) return usState(j);
  if (j === 'BR') return 'LGPD';
  if (j === 'CA' || j === 'CA-FEDERAL') return 'PIPEDA';
  return null;
}
