/**
 * Time windows of analytics and reports. Rollups are kept per hour (events) and per UTC day
 * (findings, violations, consents, risk), so a window is widened to whole buckets: an hourly
 * answer covers the hours the window touches, a daily one the UTC days it touches.
 */
export const MAX_RANGE_DAYS = 400;
export const DEFAULT_RANGE_DAYS = 30;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Dates outside these years are typing mistakes, not analytics questions. */
export const EARLIEST = Date.UTC(2000, 0, 1);
export const LATEST = Date.UTC(2100, 0, 1);

export interface TimeRange {
  from: Date;
  to: Date;
}

export function floorHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

export function ceilHour(date: Date): Date {
  return new Date(Math.ceil(date.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * The window a request asks for; without `to`, up to the end of the current hour (so the same
 * question asked twice within an hour has the same cache key); without `from`, 30 days before `to`.
 */
export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  now: Date = new Date(),
): TimeRange {
  const end = to ? new Date(to) : ceilHour(now);
  const start = from ? new Date(from) : new Date(end.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  return { from: start, to: end };
}

/** Whole hours touched by the window: [floor(from), ceil(to)). */
export function hourWindow(range: TimeRange): TimeRange {
  return { from: floorHour(range.from), to: ceilHour(range.to) };
}

export interface DayWindow {
  /** first UTC day, YYYY-MM-DD */
  fromDay: string;
  /** day after the last UTC day touched (exclusive), YYYY-MM-DD */
  toDay: string;
}

/** Whole UTC days touched by the window. */
export function dayWindow(range: TimeRange): DayWindow {
  const first = Math.floor(range.from.getTime() / DAY_MS) * DAY_MS;
  const last = Math.floor((range.to.getTime() - 1) / DAY_MS) * DAY_MS;
  return { fromDay: isoDay(new Date(first)), toDay: isoDay(new Date(Math.max(last, first) + DAY_MS)) };
}

/** Whole UTC days touched by the window, as a time range: [start of the first day, start of the day after the last). */
export function wholeDays(range: TimeRange): TimeRange {
  const days = dayWindow(range);
  return { from: new Date(`${days.fromDay}T00:00:00Z`), to: new Date(`${days.toDay}T00:00:00Z`) };
}

/**
 * The previous period of each rollup resolution: the same number of whole hours, and of whole UTC
 * days, just before the ones the window is counted over. Taking the previous period of the raw
 * window instead would, for a window shorter than a bucket, count the very same buckets twice and
 * report "no change".
 */
export function previousWholePeriods(range: TimeRange): { hours: TimeRange; days: TimeRange } {
  return { hours: previousPeriod(hourWindow(range)), days: previousPeriod(wholeDays(range)) };
}

/** The window of the same length just before this one (for "vs previous period"). */
export function previousPeriod(range: TimeRange): TimeRange {
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: new Date(range.from) };
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Why a window is refused, or null when it is acceptable. */
export function rangeProblem(
  range: TimeRange,
  maxDays = MAX_RANGE_DAYS,
): { field: 'from' | 'to'; problem: string } | null {
  const { from, to } = range;
  if (Number.isNaN(from.getTime()) || from.getTime() < EARLIEST || from.getTime() >= LATEST) {
    return { field: 'from', problem: 'from must be an ISO-8601 date-time between 2000 and 2100' };
  }
  if (Number.isNaN(to.getTime()) || to.getTime() <= EARLIEST || to.getTime() > LATEST) {
    return { field: 'to', problem: 'to must be an ISO-8601 date-time between 2000 and 2100' };
  }
  if (to.getTime() <= from.getTime()) return { field: 'to', problem: 'to must be after from' };
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    return { field: 'to', problem: `to must be at most ${maxDays} days after from` };
  }
  return null;
}
