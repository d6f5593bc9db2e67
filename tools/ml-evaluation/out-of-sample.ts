/**
 * Out-of-sample evaluation on the simulator (issue 16, must have 2): train on the snapshots of one seeded
 * run, score another run (another seed, other viewers) with the trained model, and rank its viewers by
 * their worst moment, as alerting sees them. Labels come from the simulator's ground truth: viewers a
 * scenario happened to are positive, clean viewers negative (insider victims and viewers whose scenario
 * was not delivered are left out).
 */
import { DETECTOR_NAMES } from '../../src/ml/domain/anomaly-ensemble';
import { averagePrecision, rocAuc } from '../../src/ml/domain/evaluation';
import { LabelledSnapshot, RiskModelOptions, trainRiskModel } from '../../src/ml/domain/model-training';
import { NumericMatrix } from '../../src/ml/domain/numeric-matrix';
import { FACTOR_NAMES, factorsToArray } from '../../src/ml/domain/risk-factors';
import { EnsembleViewerScorer, StatisticalViewerScorer } from '../../src/ml/domain/viewer-scorer';
import { replaySimulatedRun, type ReplayedRun, type SimulatedRunOptions } from './simulated-run';

/**
 * rankAverage: the mean of the three detectors' calibrated scores (their ranks among the training rows),
 * the plain alternative to the ensemble's strongest-surprisal rule, for comparison.
 */
export const OUT_OF_SAMPLE_SCORERS = [...DETECTOR_NAMES, 'ensemble', 'rankAverage', 'coldStart'] as const;
export type OutOfSampleScorer = (typeof OUT_OF_SAMPLE_SCORERS)[number];

export interface OutOfSampleReport {
  trainSeed: number;
  testSeed: number;
  trainingRows: number;
  positives: number;
  negatives: number;
  scorers: Record<OutOfSampleScorer, { rocAuc: number; averagePrecision: number }>;
  /**
   * Per scenario, the ensemble's ROC-AUC of that scenario's viewers against all clean viewers, and how many
   * of them had no factor above zero at their riskiest moment (nothing the model can see): what bounds
   * the overall figure.
   */
  byScenario: Record<string, { viewers: number; rocAuc: number; blank: number }>;
}

/**
 * What the stage stores as training data: per viewer and snapshot interval, the state of the highest
 * risk in the interval (user_risk_snapshots).
 */
export function snapshotsOf(run: ReplayedRun, intervalMs: number): LabelledSnapshot[] {
  const best = new Map<string, { risk: number; factors: number[] }>();
  for (const a of run.assessments) {
    const key = `${a.userId}\u0000${Math.floor(a.asOfMs / intervalMs)}`;
    const kept = best.get(key);
    if (kept === undefined || a.score.risk > kept.risk) {
      best.set(key, { risk: a.score.risk, factors: factorsToArray(a.factors) });
    }
  }
  return [...best].map(([key, { factors }]) => ({ userId: key.split('\u0000')[0], factors }));
}

export function evaluateOutOfSample(
  train: SimulatedRunOptions,
  test: SimulatedRunOptions,
  modelOptions: RiskModelOptions = {},
  snapshotIntervalMs = 15 * 60_000,
): OutOfSampleReport {
  const trainingRun = replaySimulatedRun(train, new StatisticalViewerScorer());
  const snapshots = snapshotsOf(trainingRun, snapshotIntervalMs);
  const width = FACTOR_NAMES.length;
  const rows = new NumericMatrix(
    snapshots.length,
    width,
    Float64Array.from(snapshots.flatMap((s) => Array.from(s.factors))),
  );
  const model = trainRiskModel(rows, { seed: train.seed, ...modelOptions }).model;

  const scored = replaySimulatedRun(test, new EnsembleViewerScorer(1, model));
  const coldStart = replaySimulatedRun(test, new StatisticalViewerScorer());
  const positives = new Set(Object.values(scored.truth.scenarios).flatMap((s) => s!.viewers));
  const negatives = new Set(scored.truth.cleanViewers);
  const viewers = [...positives, ...negatives];
  const index = new Map(viewers.map((v, i) => [v, i]));
  const worst = Object.fromEntries(
    OUT_OF_SAMPLE_SCORERS.map((name) => [name, new Float64Array(viewers.length).fill(-Infinity)]),
  ) as Record<OutOfSampleScorer, Float64Array>;
  const riskiestFactors = new Map<string, number[]>();
  const keep = (name: OutOfSampleScorer, userId: string, value: number) => {
    const i = index.get(userId);
    if (i !== undefined) worst[name][i] = Math.max(worst[name][i], value);
  };
  for (const a of scored.assessments) {
    const i = index.get(a.userId);
    if (i !== undefined && a.score.risk > worst.ensemble[i])
      riskiestFactors.set(a.userId, factorsToArray(a.factors));
    keep('ensemble', a.userId, a.score.risk);
    let rankSum = 0;
    for (const name of DETECTOR_NAMES) {
      const calibrated = a.score.detectors?.[name].calibrated ?? 0;
      keep(name, a.userId, calibrated);
      rankSum += calibrated;
    }
    keep('rankAverage', a.userId, rankSum / DETECTOR_NAMES.length);
  }
  for (const a of coldStart.assessments) keep('coldStart', a.userId, a.score.risk);
  const labels = Uint8Array.from(viewers, (v) => (positives.has(v) ? 1 : 0));
  // A labelled viewer never assessed (no events with a viewer id) ranks last.
  for (const name of OUT_OF_SAMPLE_SCORERS) worst[name] = worst[name].map((v) => (v === -Infinity ? -1 : v));
  const negativeScores = [...negatives].map((v) => worst.ensemble[index.get(v)!]);
  const byScenario = Object.fromEntries(
    Object.entries(scored.truth.scenarios).map(([name, truth]) => {
      const own = truth!.viewers.filter((v) => index.has(v));
      const scores = [...own.map((v) => worst.ensemble[index.get(v)!]), ...negativeScores];
      const scenarioLabels = Uint8Array.from(scores, (_, i) => (i < own.length ? 1 : 0));
      const blank = own.filter((v) => !(riskiestFactors.get(v) ?? []).some((f) => f > 0)).length;
      return [
        name,
        { viewers: own.length, rocAuc: own.length ? rocAuc(scenarioLabels, scores) : NaN, blank },
      ];
    }),
  );
  return {
    byScenario,
    trainSeed: train.seed,
    testSeed: test.seed,
    trainingRows: rows.rowCount,
    positives: positives.size,
    negatives: negatives.size,
    scorers: Object.fromEntries(
      OUT_OF_SAMPLE_SCORERS.map((name) => [
        name,
        { rocAuc: rocAuc(labels, worst[name]), averagePrecision: averagePrecision(labels, worst[name]) },
      ]),
    ) as OutOfSampleReport['scorers'],
  };
}
