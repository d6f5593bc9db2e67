import {
  emptyCounts,
  FrameworkPosture,
  overallPosture,
  posture,
  POSTURE_FORMULA,
  SEVERITY_WEIGHTS,
} from './domain/posture';
import { dayWindow, TimeRange } from './domain/time-range';
import { EventBucket } from './persistence/rollup-queries';
import type { RollupFigures } from './rollup-figures';

export type PostureAnswer = Awaited<ReturnType<typeof postureFromRollups>>;
export type PerformanceAnswer = Awaited<ReturnType<typeof performanceFromRollups>>;

/**
 * Posture per framework (and overall) over the UTC days the window touches (domain/posture.ts has
 * the formula). Frameworks with enabled rules and no violations score 100.
 */
export async function postureFromRollups(queries: RollupFigures, range: TimeRange) {
  const days = dayWindow(range);
  const [counts, rules] = await Promise.all([queries.violationCounts(days), queries.rulesByFramework()]);
  const frameworks = new Map<string, FrameworkPosture & { rules: number }>();
  for (const c of counts) {
    frameworks.set(c.framework, {
      ...posture({ framework: c.framework, open: c.open, resolved: c.resolved, opened: c.opened }),
      rules: 0,
    });
  }
  for (const r of rules) {
    const existing = frameworks.get(r.framework);
    if (existing) existing.rules = r.enabled;
    else if (r.enabled > 0) {
      frameworks.set(r.framework, {
        ...posture({
          framework: r.framework,
          open: emptyCounts(),
          resolved: emptyCounts(),
          opened: emptyCounts(),
        }),
        rules: r.enabled,
      });
    }
  }
  const list = [...frameworks.values()].sort(
    (a, b) => a.score - b.score || a.framework.localeCompare(b.framework),
  );
  return {
    fromDay: days.fromDay,
    toDay: days.toDay,
    formula: POSTURE_FORMULA,
    weights: SEVERITY_WEIGHTS,
    overall: overallPosture(list),
    frameworks: list,
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
