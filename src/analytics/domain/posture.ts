/**
 * Compliance posture per framework: of the viewers who were active in a window (at least one event),
 * how many had no open case of the framework at the end of it — a share that stays informative when
 * hundreds of cases are open, because it counts viewers, not cases — with the age of the open cases,
 * what the window opened and resolved, and the same figures for the previous window.
 *
 *   share = 100 × (A − V) / A            (null when A = 0: nobody to measure)
 *   A = viewers with at least one event in the window (distinct viewers)
 *   V = of those, viewers with a case of the framework open at the end of the window
 *       (first_seen < end, and not resolved / closed as false positive before end)
 *   change = share − previous share, in percentage points (null when either is null)
 *   age of open cases = days from first_seen to the end of the window: median, 90th percentile
 *       (linear interpolation), oldest
 *
 * "Overall" uses the same formula with V = viewers with an open case of any framework. Everything is
 * returned with the answer, so anyone can recompute it by hand.
 */
import { SEVERITIES, type Severity } from '../../common/domain/severity';

export { SEVERITIES, type Severity };

export const POSTURE_FORMULA =
  'share = 100 * (A - V) / A (null when A = 0); A = distinct viewers with at least one event in the window; ' +
  'V = those of them with a case of the framework open at the end of the window (first_seen < end and not ' +
  'resolved or closed as false positive before end); change = share - previous share (percentage points); ' +
  'age = days from first_seen to the end of the window over the open cases (median, p90 by linear interpolation, oldest)';

export type SeverityCounts = Record<Severity, number>;

export function emptyCounts(): SeverityCounts {
  return { low: 0, medium: 0, high: 0, critical: 0 };
}

export interface OpenCaseAge {
  medianDays: number;
  p90Days: number;
  oldestDays: number;
}

/** One framework (or all together) over one window, as read from the rollups. */
export interface PostureFigures {
  /** A: viewers active in the window */
  activeViewers: number;
  /** V: active viewers with an open case at the end of the window */
  activeViewersWithOpenCase: number;
  /** every case open at the end of the window, whether its viewer was active or not */
  openCases: number;
  /** null when nothing is open */
  openCaseAge: OpenCaseAge | null;
  opened: number;
  resolved: number;
}

export interface PostureMeasure extends PostureFigures {
  /** percent of active viewers with no open case; null when nobody was active */
  share: number | null;
  /** opened − resolved in the window: how the backlog moved */
  backlogChange: number;
}

export interface PostureTrend {
  current: PostureMeasure;
  previous: PostureMeasure;
  /** current.share − previous.share in percentage points; null when either is null */
  change: number | null;
}

export function emptyFigures(activeViewers = 0): PostureFigures {
  return {
    activeViewers,
    activeViewersWithOpenCase: 0,
    openCases: 0,
    openCaseAge: null,
    opened: 0,
    resolved: 0,
  };
}

export function postureShare(activeViewers: number, withOpenCase: number): number | null {
  if (activeViewers <= 0) return null;
  const clean = Math.max(0, activeViewers - Math.max(0, withOpenCase));
  return round1((100 * clean) / activeViewers);
}

export function measure(figures: PostureFigures): PostureMeasure {
  return {
    ...figures,
    share: postureShare(figures.activeViewers, figures.activeViewersWithOpenCase),
    backlogChange: figures.opened - figures.resolved,
    openCaseAge: figures.openCaseAge && {
      medianDays: round1(figures.openCaseAge.medianDays),
      p90Days: round1(figures.openCaseAge.p90Days),
      oldestDays: round1(figures.openCaseAge.oldestDays),
    },
  };
}

export function postureTrend(current: PostureFigures, previous: PostureFigures): PostureTrend {
  const c = measure(current);
  const p = measure(previous);
  return {
    current: c,
    previous: p,
    change: c.share === null || p.share === null ? null : round1(c.share - p.share),
  };
}

/** Lowest share first (no active viewers last), then by name: the frameworks needing attention lead. */
export function byAttention<T extends { framework: string; current: { share: number | null } }>(
  a: T,
  b: T,
): number {
  const sa = a.current.share ?? Infinity;
  const sb = b.current.share ?? Infinity;
  return sa - sb || a.framework.localeCompare(b.framework);
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
