import {
  AnomalyEnsemble,
  AnomalyEnsembleJson,
  AnomalyEnsembleOptions,
  PerDetector,
} from './anomaly-ensemble';
import { referenceBins, ReferenceBins } from './factor-drift';
import { EVALUATED_SCORERS, EvaluatedScorer, scoreMetrics, ScoreMetrics } from './model-evaluation';
import { NumericMatrix } from './numeric-matrix';
import {
  FACTOR_NAMES,
  FactorName,
  factorsFromArray,
  FEATURE_TRANSFORM,
  modelFeaturesInto,
} from './risk-factors';
import { SeededRandom } from './seeded-random';
import { StatisticalScorer } from './statistical-scorer';

export const MIN_TRAINING_ROWS = 50;

export type RiskModelOptions = Pick<
  AnomalyEnsembleOptions,
  'seed' | 'treeCount' | 'subsampleSize' | 'neighbourCount' | 'lofReferenceSampleSize' | 'weights'
>;

/**
 * Standard deviation of the seeded Gaussian noise added to the training inputs (never to scored rows), in
 * model-input units: 0.05 on the log(1 + count) columns (a twentieth of what one event adds there) and
 * 0.005 on the error rate.
 *
 * Why: the factors are decayed counts and most viewers sit at exactly zero on most of them. Exact ties
 * break two of the detectors: LOF's k-distance is 0 inside the tie, so its density is infinite and any
 * viewer a hair away from it gets an LOF in the billions; the z-score's MAD is 0, so its fallback scale
 * is tiny and any non-zero count looks extreme. Jitter turns the spike at zero into a narrow bump, which
 * is what the counts stand for anyway. Measured on syntheticViewerRows (20,000 rows, 2% anomalies): the
 * ensemble's ROC-AUC went from 0.93 to 0.99, LOF from 0.53 to 0.75, the z-score from 0.65 to 1.00.
 */
export const TRAINING_JITTER = { logCount: 0.05, errorRate: 0.005 } as const;
/**
 * LOF reference rows kept in a risk model unless the request says otherwise (the ensemble's own default
 * is 10,000). Scoring a viewer is one k-nearest-neighbour query in them, the stage's largest cost, and on
 * jittered factor rows a smaller reference also ranked better: on syntheticViewerRows (50,000 training
 * rows, 10,000 test rows with 2% anomalies) the ensemble's average precision was 0.98 / 0.94 / 0.85 / 0.49
 * with 1,000 / 2,048 / 4,000 / 10,000 reference rows (ROC-AUC 0.9997 / 0.9991 / 0.997 / 0.990): with k = 20
 * in 10,000 rows a neighbourhood is so small that the jitter itself looks like structure.
 */
export const RISK_MODEL_LOF_REFERENCE_ROWS = 2048;
/** Mixed into the seed for the jitter, so it never shares a stream with the forest or the LOF sample. */
const JITTER_STREAM = 0x6a177e5;

export interface RiskModelTraining {
  model: AnomalyEnsemble;
  /** The model as stored in ml_models.artifact */
  artifact: AnomalyEnsembleJson;
  /** Per factor: the training distribution as decile bins, the reference of the drift measure. */
  reference: Record<FactorName, ReferenceBins>;
  secondsByStage: PerDetector<number> & { standardise: number; ensemble: number; features: number };
  parameters: Record<string, unknown>;
}

/** Raw factor rows (FACTOR_NAMES columns) → model inputs, the same transform the stage applies. */
export function modelFeatures(rawFactors: NumericMatrix): NumericMatrix {
  const features = new Float64Array(rawFactors.values.length);
  for (let offset = 0; offset < features.length; offset += FACTOR_NAMES.length) {
    modelFeaturesInto(rawFactors.values.subarray(offset, offset + FACTOR_NAMES.length), features, offset);
  }
  return new NumericMatrix(rawFactors.rowCount, rawFactors.columnCount, features);
}

/** What people said about viewers, for the next training (ml_labels). */
export interface TrainingFeedback {
  /**
   * Raw factor rows of viewers judged normal: the snapshots of viewers whose anomaly findings were marked
   * false positives. The model is told they are normal (AnomalyEnsemble.acceptAsNormal).
   */
  acceptedNormal?: NumericMatrix;
}

/**
 * The snapshots of viewers people judged normal (label 0), as raw factor rows for TrainingFeedback. The
 * training rows themselves stay as they are, confirmed anomalies included: the risk is a rank among the
 * training rows, and leaving the anomalies out would only move ordinary viewers up into the alerted tail.
 */
export function acceptedNormalRows(
  rows: readonly LabelledSnapshot[],
  labels: ReadonlyMap<string, 0 | 1>,
): NumericMatrix {
  const width = FACTOR_NAMES.length;
  const accepted: number[] = [];
  for (const row of rows) {
    if (labels.get(row.userId) === 0) accepted.push(...Array.from(row.factors).slice(0, width));
  }
  return new NumericMatrix(accepted.length / width, width, Float64Array.from(accepted));
}

/** Fits the ensemble on snapshot rows of raw factors, and accepts the feedback's normal rows. */
export function trainRiskModel(
  rawFactors: NumericMatrix,
  options: RiskModelOptions,
  feedback: TrainingFeedback = {},
): RiskModelTraining {
  if (rawFactors.columnCount !== FACTOR_NAMES.length) {
    throw new RangeError(`training rows need ${FACTOR_NAMES.length} factors, got ${rawFactors.columnCount}`);
  }
  if (rawFactors.rowCount < MIN_TRAINING_ROWS) {
    throw new RangeError(
      `training needs at least ${MIN_TRAINING_ROWS} snapshots, got ${rawFactors.rowCount}`,
    );
  }
  const started = performance.now();
  const features = modelFeatures(rawFactors);
  const featureSeconds = (performance.now() - started) / 1000;
  const seed = options.seed ?? 0;
  const jitter = new SeededRandom((seed ^ JITTER_STREAM) >>> 0);
  const last = FACTOR_NAMES.length - 1;
  for (let i = 0; i < features.values.length; i++) {
    features.values[i] +=
      jitter.nextNormal() *
      (i % FACTOR_NAMES.length === last ? TRAINING_JITTER.errorRate : TRAINING_JITTER.logCount);
  }
  const training = AnomalyEnsemble.train(features, {
    ...options,
    lofReferenceSampleSize: options.lofReferenceSampleSize ?? RISK_MODEL_LOF_REFERENCE_ROWS,
    seed,
    factorNames: [...FACTOR_NAMES],
  });
  const reference = {} as Record<FactorName, ReferenceBins>;
  const column = new Float64Array(rawFactors.rowCount);
  FACTOR_NAMES.forEach((name, c) => {
    for (let r = 0; r < rawFactors.rowCount; r++) column[r] = rawFactors.values[r * FACTOR_NAMES.length + c];
    reference[name] = referenceBins(column);
  });
  const accepted = feedback.acceptedNormal;
  const model =
    accepted !== undefined && accepted.rowCount > 0
      ? training.model.acceptAsNormal(modelFeatures(accepted))
      : training.model;
  const artifact = model.toJSON();
  const lof = artifact.localOutlierFactor;
  return {
    model,
    artifact,
    reference,
    secondsByStage: { ...training.secondsByStage, features: featureSeconds },
    parameters: {
      seed,
      treeCount: artifact.isolationForest.treeRoots.length,
      subsampleSize: artifact.isolationForest.subsampleSize,
      neighbourCount: lof.neighbourCount,
      lofReferenceRows: lof.kDistance.length,
      weights: artifact.weights,
      featureTransform: FEATURE_TRANSFORM,
      trainingJitter: TRAINING_JITTER,
      factorNames: [...FACTOR_NAMES],
      acceptedNormalRows: model.acceptedRowCount,
    },
  };
}

export interface LabelledSnapshot {
  userId: string;
  factors: ArrayLike<number>;
}

export interface LabelledEvaluation {
  viewers: { positive: number; negative: number; withoutSnapshots: number };
  snapshots: number;
  threshold: number;
  scorers: Record<EvaluatedScorer, ScoreMetrics>;
}

/**
 * Scores labelled viewers the way alerting sees them: a viewer's score is the highest any of their
 * snapshots in the window reached (alerting fires on the worst moment, not on the last one), for each
 * detector on its own (calibrated), the ensemble, and the statistical priors. Labels: 1 anomalous, 0 not.
 */
export function evaluateOnLabels(
  model: AnomalyEnsemble,
  snapshots: readonly LabelledSnapshot[],
  labels: ReadonlyMap<string, 0 | 1>,
  threshold: number,
): LabelledEvaluation {
  const rows = snapshots.filter((s) => labels.has(s.userId));
  const raw = new Float64Array(rows.length * FACTOR_NAMES.length);
  rows.forEach((row, i) => raw.set(Array.from(row.factors), i * FACTOR_NAMES.length));
  const rawMatrix = new NumericMatrix(rows.length, FACTOR_NAMES.length, raw);
  const empty = new Float64Array(0);
  const calibrated =
    rows.length > 0
      ? model.calibratedScores(modelFeatures(rawMatrix))
      : { isolationForest: empty, localOutlierFactor: empty, robustZScore: empty, ensemble: empty };
  const statistical = new StatisticalScorer();
  const perScorer: Record<EvaluatedScorer, ArrayLike<number>> = {
    ...calibrated,
    statistical: Float64Array.from(rows, (row) => statistical.score(factorsFromArray(row.factors)).risk),
  };

  // Highest score per viewer and scorer.
  const viewerIndex = new Map<string, number>();
  for (const row of rows) if (!viewerIndex.has(row.userId)) viewerIndex.set(row.userId, viewerIndex.size);
  const best = Object.fromEntries(
    EVALUATED_SCORERS.map((name) => [name, new Float64Array(viewerIndex.size).fill(-Infinity)]),
  ) as Record<EvaluatedScorer, Float64Array>;
  rows.forEach((row, i) => {
    const v = viewerIndex.get(row.userId)!;
    for (const name of EVALUATED_SCORERS) best[name][v] = Math.max(best[name][v], perScorer[name][i]);
  });
  const viewerLabels = new Uint8Array(viewerIndex.size);
  for (const [userId, v] of viewerIndex) viewerLabels[v] = labels.get(userId)!;
  let positive = 0;
  for (const label of viewerLabels) positive += label;

  return {
    viewers: {
      positive,
      negative: viewerLabels.length - positive,
      withoutSnapshots: labels.size - viewerIndex.size,
    },
    snapshots: rows.length,
    threshold,
    scorers: Object.fromEntries(
      EVALUATED_SCORERS.map((name) => [name, scoreMetrics(viewerLabels, best[name], threshold)]),
    ) as Record<EvaluatedScorer, ScoreMetrics>,
  };
}
