import { AnomalyEnsemble, DETECTOR_NAMES } from './anomaly-ensemble';
import { averagePrecision, countsAtThreshold, rocAuc } from './evaluation';
import { NumericMatrix } from './numeric-matrix';

export interface ScoreMetrics {
  /** null when the labels hold only one class (the ranking metrics are undefined then) */
  rocAuc: number | null;
  averagePrecision: number | null;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export const EVALUATED_SCORERS = [...DETECTOR_NAMES, 'ensemble', 'statistical'] as const;
export type EvaluatedScorer = (typeof EVALUATED_SCORERS)[number];

/** Ranking metrics and the confusion at the alerting threshold of one 0..1 score against labels (1 = anomaly). */
export function scoreMetrics(labels: Uint8Array, scores: ArrayLike<number>, threshold: number): ScoreMetrics {
  let positives = 0;
  for (const label of labels) positives += label;
  const bothClasses = positives > 0 && positives < labels.length;
  const counts = countsAtThreshold(labels, scores, threshold);
  return {
    rocAuc: bothClasses ? rocAuc(labels, scores) : null,
    averagePrecision: bothClasses ? averagePrecision(labels, scores) : null,
    ...counts,
  };
}

/**
 * Every detector of the ensemble on its own (its calibrated 0..1 score, so one threshold applies to all),
 * the ensemble, and the statistical prior-based scorer as the baseline a model has to beat.
 */
export function evaluateModel(
  model: AnomalyEnsemble,
  features: NumericMatrix,
  statisticalRisk: ArrayLike<number>,
  labels: Uint8Array,
  threshold: number,
): Record<EvaluatedScorer, ScoreMetrics> {
  const scores = model.calibratedScores(features);
  return {
    isolationForest: scoreMetrics(labels, scores.isolationForest, threshold),
    localOutlierFactor: scoreMetrics(labels, scores.localOutlierFactor, threshold),
    robustZScore: scoreMetrics(labels, scores.robustZScore, threshold),
    ensemble: scoreMetrics(labels, scores.ensemble, threshold),
    statistical: scoreMetrics(labels, statisticalRisk, threshold),
  };
}
