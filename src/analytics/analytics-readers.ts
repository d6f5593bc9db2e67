import {
  byAttention,
  emptyCounts,
  emptyFigures,
  POSTURE_FORMULA,
  PostureFigures,
  postureTrend,
  PostureTrend,
  SEVERITIES,
  SeverityCounts,
} from './domain/posture';
import { dayWindow, DayWindow, previousWholePeriods, TimeRange } from './domain/time-range';
import { EventBucket, FrameworkViolationCounts } from './persistence/rollup-queries';
import type { RollupFigures } from './rollup-figures';

export type PostureAnswer = Awaited<ReturnType<typeof postureFromRollups>>;
export type PerformanceAnswer = Awaited<ReturnType<typeof performanceFromRollups>>;

export interface FrameworkPostureAnswer extends PostureTrend {
  framework: string;
  /** enabled rules of the framework */
  rules: number;
  /** cases open at the end of the window, opened and resolved within it, by severity */
  open: SeverityCounts;
  opened: SeverityCounts;
  resolved: SeverityCounts;
}

/**
 * Posture per framework (and overall) over the UTC days the window touches, against the same number
 * of whole days just before (domain/posture.ts has the formula). Frameworks with enabled rules and no
 * case are listed too (share 100 when anyone was active).
 */
export async function postureFromRollups(queries: RollupFigures, range: TimeRange) {
  const days = dayWindow(range);
  const previousDays = dayWindow(previousWholePeriods(range).days);
  const [current, previous, rules] = await Promise.all([
    periodFigures(queries, days),
    periodFigures(queries, previousDays),
    queries.rulesByFramework(),
  ]);
  const names = new Set<string>([...current.counts.map((c) => c.framework)]);
  for (const r of rules) if (r.enabled > 0) names.add(r.framework);
  const frameworks: FrameworkPostureAnswer[] = [...names].map((framework) => {
    const counts = current.counts.find((c) => c.framework === framework);
    return {
      framework,
      rules: rules.find((r) => r.framework === framework)?.enabled ?? 0,
      ...postureTrend(current.figures(framework), previous.figures(framework)),
      open: counts?.open ?? emptyCounts(),
      opened: counts?.opened ?? emptyCounts(),
      resolved: counts?.resolved ?? emptyCounts(),
    };
  });
  return {
    fromDay: days.fromDay,
    toDay: days.toDay,
    previous: previousDays,
    formula: POSTURE_FORMULA,
    overall: postureTrend(current.figures(null), previous.figures(null)),
    frameworks: frameworks.sort(byAttention),
  };
}

/** One window's figures, per framework name (null: all frameworks together). */
async function periodFigures(queries: RollupFigures, days: DayWindow) {
  const [counts, posture] = await Promise.all([queries.violationCounts(days), queries.postureFigures(days)]);
  const total = (c: SeverityCounts) => SEVERITIES.reduce((sum, s) => sum + c[s], 0);
  return {
    counts,
    figures(framework: string | null): PostureFigures {
      const selected: FrameworkViolationCounts[] =
        framework === null ? counts : counts.filter((c) => c.framework === framework);
      return {
        ...emptyFigures(posture.activeViewers),
        ...posture.byFramework.get(framework),
        opened: selected.reduce((sum, c) => sum + total(c.opened), 0),
        resolved: selected.reduce((sum, c) => sum + total(c.resolved), 0),
      };
    },
  };
}

/** Throughput, per-stage batch time, end-to-end latency and dead letters over an hour-aligned window. */
export async function performanceFromRollups(queries: RollupFigures, window: TimeRange, bucket: EventBucket) {
  const [stages, series, batches] = await Promise.all([
    queries.stageLatency(window),
    queries.throughputSeries(window, bucket),
    queries.batchSummary(window),
  ]);
  const seconds = (window.to.getTime() - window.from.getTime()) / 1000;
  const last = stages[stages.length - 1];
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    bucket,
    throughput: {
      events: last.events,
      eventsPerSecond: Math.round((last.events / seconds) * 1000) / 1000,
      peakEventsPerMinute: last.peakEventsPerMinute,
    },
    stages,
    endToEnd: batches.endToEnd,
    deadLetters: batches.deadLetters,
    series,
  };
}
