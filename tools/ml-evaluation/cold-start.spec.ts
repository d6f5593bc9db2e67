/**
 * Issue 16, must have 1: before any model is trained, at most 2 % of the simulator's clean viewers get an
 * anomaly finding, every anomaly scenario (the ones no compliance rule can see) keeps at least 90 %
 * recall, and no cold-start finding is critical. Seeded simulator runs replayed through the ML domain code.
 */
import { StatisticalViewerScorer } from '../../src/ml/domain/viewer-scorer';
import { coldStartReport, DEMO_RUN, replaySimulatedRun, type SimulatedRunOptions } from './simulated-run';

const RUNS: SimulatedRunOptions[] = [
  // the quick start's one-minute demo, four seeds
  ...[1, 2, 3, 4].map((seed) => ({ seed, ...DEMO_RUN })),
  // a larger population (a dozen account sharers), four minutes
  { seed: 7, users: 2000, rate: 250, durationS: 240 },
];

describe.each(RUNS)('cold start on simulator seed $seed ($users viewers, $durationS s)', (options) => {
  const report = coldStartReport(options.seed, replaySimulatedRun(options, new StatisticalViewerScorer()));

  it('flags at most 2 % of the clean viewers', () => {
    expect(report.cleanViewers).toBeGreaterThan(100);
    expect(report.cleanFlaggedShare).toBeLessThanOrEqual(0.02);
  });

  it('keeps at least 90 % recall on every anomaly scenario', () => {
    expect(report.anomalyScenarios.length).toBeGreaterThan(0);
    expect(report.anomalyScenarios.filter((s) => s.recall < 0.9)).toEqual([]);
  });

  it('raises no critical finding from the statistical detector', () => {
    expect(report.severities.critical).toBe(0);
  });
});
