import {
  CombinationRule,
  combineSurprisals,
  DEFAULT_COMBINATION,
  isCombinationRule,
  LEGACY_COMBINATION,
} from './ensemble-combination';
import { IsolationForest, IsolationForestJson } from './isolation-forest';
import { LocalOutlierFactor, LocalOutlierFactorJson } from './local-outlier-factor';
import { NumericMatrix } from './numeric-matrix';
import { RobustZScore, RobustZScoreJson } from './robust-z-score';
import { ScoreCalibration, ScoreCalibrationJson } from './score-calibration';
import { SeededRandom } from './seeded-random';
import { Standardiser, StandardiserJson } from './standardiser';

export const DETECTOR_NAMES = ['isolationForest', 'localOutlierFactor', 'robustZScore'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];
export type PerDetector<T> = Record<DetectorName, T>;

export interface AnomalyEnsembleOptions {
  /** Seeds the forest and the LOF reference sample; the same rows and seed give the same model. */
  seed?: number;
  /** Isolation forest trees; 100 by default. */
  treeCount?: number;
  /** Isolation forest rows per tree; min(256, n) by default. */
  subsampleSize?: number;
  /** LOF k; min(20, reference rows - 1) by default. */
  neighbourCount?: number;
  /** LOF reference rows kept in the model; 10,000 by default. Infinity keeps all (the CLI does). */
  lofReferenceSampleSize?: number;
  /** Quantiles kept per calibration; 1001 by default. */
  maxQuantiles?: number;
  /** Top fraction of each detector's training scores described by an exponential tail; 0.2 by default. */
  tailFraction?: number;
  /** Multiplies each detector's surprisal before the strongest is taken; 1 each by default, 0 leaves one out. */
  weights?: Partial<PerDetector<number>>;
  /** Names of the columns (the risk factors), for explanations; "column 1", … by default. */
  factorNames?: string[];
  /** How the detectors' surprisals become one evidence (see ensemble-combination); DEFAULT_COMBINATION by default. */
  combination?: CombinationRule;
}

export interface AnomalyEnsembleJson {
  format: 'anomaly-ensemble/v1';
  seed: number;
  factorNames: string[];
  weights: PerDetector<number>;
  /** Absent in models stored before it was a parameter: those combine with LEGACY_COMBINATION. */
  combination?: CombinationRule;
  standardiser: StandardiserJson;
  isolationForest: IsolationForestJson;
  localOutlierFactor: LocalOutlierFactorJson;
  robustZScore: RobustZScoreJson;
  calibration: PerDetector<ScoreCalibrationJson>;
  /** Maps the combined surprisal of a row to its risk: the rank among the training rows. */
  riskCalibration: ScoreCalibrationJson;
  /** Rows people judged normal (see AnomalyEnsemble.acceptAsNormal); absent when there are none. */
  accepted?: AcceptedNormalJson;
}

export interface AcceptedNormalJson {
  /** Standardised model inputs of the accepted rows. */
  rows: number[][];
  /** Each accepted row's combined surprisal (evidence). */
  evidence: number[];
  /** Standardised distance within which a row is judged against an accepted one. */
  radius: number;
}

/** Accepted rows kept in a model, at most: each scored row is compared with every one of them. */
export const MAX_ACCEPTED_ROWS = 1000;

export interface EnsembleScores extends PerDetector<Float64Array> {
  /** The 0..1 risk. The detector arrays hold raw scores (isolation score, LOF value, mean robust z). */
  ensemble: Float64Array;
}

export interface AnomalyEnsembleTraining {
  model: AnomalyEnsemble;
  /** Scores of the training rows in input order; the LOF ones leave each row out of its own neighbours. */
  trainingScores: EnsembleScores;
  /** Each detector's calibrated surprisal, -ln(1 - p), of the training rows (what the rule combines). */
  trainingSurprisals: PerDetector<Float64Array>;
  /** Wall-clock seconds of each stage, fit and scoring of the training rows together. */
  secondsByStage: PerDetector<number> & { standardise: number; ensemble: number };
}

export interface FactorContribution {
  factor: string;
  /** Part of the risk attributed to this factor; the contributions add up to the risk. */
  contribution: number;
  /** contribution / risk: the shares add up to 1 (all 0 when nothing sets the row apart). */
  share: number;
}

export interface AnomalyExplanation {
  risk: number;
  detectors: PerDetector<{ raw: number; calibrated: number }>;
  /** One entry per factor, in column order. */
  factors: FactorContribution[];
}

/**
 * Isolation forest + local outlier factor + robust z-score, combined into one 0..1 risk with a per-factor
 * explanation. Rows are standardised first (z-score per column) so that LOF distances weigh every factor
 * alike; the other two detectors are unaffected by that scaling.
 *
 * Calibration: each detector's raw score becomes p_i, the estimated fraction of training rows it exceeds
 * (empirical CDF, with an exponential tail for the top 20% — see ScoreCalibration), read as the surprisal
 * -ln(1 - p_i): 2.3 for the top 10%, 4.6 for the top 1%, and in the tail growing with how far the score
 * stands beyond the detector's other high scores.
 *
 * Combination: the row's evidence is a rule over the weighted surprisals w_i · -ln(1 - p_i) (see
 * ensemble-combination.ts; the median by default, 'strongest' — the max — for models stored before the
 * rule was a parameter), and the risk is that evidence's rank among the training rows (again a
 * ScoreCalibration, purely rank-based), so risk 0.99 means "more anomalous than 99% of the training
 * population" — a threshold on it flags a known share of rows. The max lets the one detector that sees an
 * anomaly decide, but also the one that is misled (LOF next to duplicated rows reaches surprisals in the
 * billions); the median needs two of three. Measured on the simulator and fourteen labelled sets
 * (`npm run ml:robustness`, table in docs/ml.md): the median met issue 16's bar on 9 of 15, the max on 5.
 *
 * Explanation: each detector says which factors made its score — the forest through the log mass each
 * split feature cut off along the isolation paths, LOF through each factor's share of the squared distance
 * to the neighbours, the z-score through each factor's |z|. Those shares are mixed in proportion to each
 * detector's weighted surprisal, and multiplied by the risk, so the contributions sum to the risk and the
 * factor a confident detector points at comes first.
 */
export class AnomalyEnsemble {
  private constructor(
    readonly seed: number,
    readonly factorNames: readonly string[],
    readonly weights: Readonly<PerDetector<number>>,
    readonly combination: CombinationRule,
    private readonly standardiser: Standardiser,
    private readonly isolationForest: IsolationForest,
    private readonly localOutlierFactor: LocalOutlierFactor,
    private readonly robustZScore: RobustZScore,
    private readonly calibration: PerDetector<ScoreCalibration>,
    private readonly riskCalibration: ScoreCalibration,
    private readonly accepted: AcceptedNormalJson | undefined = undefined,
  ) {}

  /** How many rows people judged normal this model knows (acceptAsNormal). */
  get acceptedRowCount(): number {
    return this.accepted?.rows.length ?? 0;
  }

  /**
   * The same model, told that these rows (model inputs; e.g. the snapshots of viewers whose anomaly
   * findings were marked false positives) are normal. A scored row within `radius` of an accepted row —
   * the median distance of a training row to its k-th neighbour, so "as close as neighbours usually are"
   * — counts only the evidence beyond that accepted row's: max(0, e - e_accepted), the largest e_accepted
   * within reach. A viewer like one the team accepted is no longer flagged, while one further out in the
   * same direction, or unusual in another factor (and so out of reach), still is. The detectors and their
   * calibrations are unchanged, so the model's other rows score as before. At most MAX_ACCEPTED_ROWS rows
   * are kept, the most surprising first (they cover the most).
   */
  acceptAsNormal(rows: NumericMatrix): AnomalyEnsemble {
    if (rows.columnCount !== this.columnCount) {
      throw new RangeError(`accepted rows need ${this.columnCount} columns, got ${rows.columnCount}`);
    }
    const standardised = this.standardiser.transform(rows);
    const evidence = combinedEvidence(
      this.rawScores(standardised),
      this.calibration,
      this.weights,
      this.combination,
    );
    const previous = this.accepted;
    const candidates = [
      ...(previous?.rows.map((row, i) => ({ row, evidence: previous.evidence[i] })) ?? []),
      ...Array.from({ length: rows.rowCount }, (_, r) => ({
        row: Array.from(standardised.values.subarray(r * rows.columnCount, (r + 1) * rows.columnCount)),
        evidence: evidence[r],
      })),
    ]
      .sort((a, b) => b.evidence - a.evidence)
      .slice(0, MAX_ACCEPTED_ROWS);
    return new AnomalyEnsemble(
      this.seed,
      this.factorNames,
      this.weights,
      this.combination,
      this.standardiser,
      this.isolationForest,
      this.localOutlierFactor,
      this.robustZScore,
      this.calibration,
      this.riskCalibration,
      candidates.length === 0
        ? undefined
        : {
            rows: candidates.map((c) => c.row),
            evidence: candidates.map((c) => c.evidence),
            radius: previous?.radius ?? this.localOutlierFactor.typicalKDistance,
          },
    );
  }

  static fit(data: NumericMatrix, options: AnomalyEnsembleOptions = {}): AnomalyEnsemble {
    return AnomalyEnsemble.train(data, options).model;
  }

  /** Fits everything on the rows (unsupervised) and also returns their scores and the stage timings. */
  static train(data: NumericMatrix, options: AnomalyEnsembleOptions = {}): AnomalyEnsembleTraining {
    const seed = options.seed ?? 0;
    const weights = resolveWeights(options.weights);
    const combination = options.combination ?? DEFAULT_COMBINATION;
    if (!isCombinationRule(combination))
      throw new RangeError(`unknown combination rule ${String(combination)}`);
    const factorNames = resolveFactorNames(options.factorNames, data.columnCount);
    if (data.rowCount < 2) throw new RangeError('the anomaly ensemble needs at least two training rows');
    // Each randomised part gets its own stream, so changing e.g. the tree count leaves the LOF sample alone.
    const seeds = new SeededRandom(seed);
    const forestSeed = seeds.nextUint32();
    const lofSeed = seeds.nextUint32();

    const stopwatch = new Stopwatch();
    const standardiser = Standardiser.fit(data);
    const standardised = standardiser.transform(data);
    const standardiseSeconds = stopwatch.lap();

    const isolationForest = IsolationForest.fit(standardised, {
      treeCount: options.treeCount,
      subsampleSize: options.subsampleSize,
      seed: forestSeed,
    });
    const forestScores = isolationForest.score(standardised);
    const forestSeconds = stopwatch.lap();

    const lofFit = LocalOutlierFactor.fitWithTrainingScores(standardised, {
      neighbourCount: options.neighbourCount,
      referenceSampleSize: options.lofReferenceSampleSize,
      seed: lofSeed,
    });
    const lofSeconds = stopwatch.lap();

    const robustZScore = RobustZScore.fit(standardised);
    const zScores = robustZScore.score(standardised);
    const zScoreSeconds = stopwatch.lap();

    const rawScores: PerDetector<Float64Array> = {
      isolationForest: forestScores,
      localOutlierFactor: lofFit.trainingScores,
      robustZScore: zScores,
    };
    const calibration = mapDetectors((name) =>
      ScoreCalibration.fit(rawScores[name], {
        maxQuantiles: options.maxQuantiles,
        tailFraction: options.tailFraction,
      }),
    );
    const trainingEvidence = combinedEvidence(rawScores, calibration, weights, combination);
    const riskCalibration = ScoreCalibration.fit(trainingEvidence, {
      maxQuantiles: options.maxQuantiles,
      tailFraction: 0,
    });
    const model = new AnomalyEnsemble(
      seed,
      factorNames,
      weights,
      combination,
      standardiser,
      isolationForest,
      lofFit.model,
      robustZScore,
      calibration,
      riskCalibration,
    );
    const ensemble = riskCalibration.calibrateAll(trainingEvidence);
    const ensembleSeconds = stopwatch.lap();

    return {
      model,
      trainingScores: { ...rawScores, ensemble },
      trainingSurprisals: mapDetectors((name) =>
        Float64Array.from(rawScores[name], (raw) => calibration[name].surprisal(raw)),
      ),
      secondsByStage: {
        standardise: standardiseSeconds,
        isolationForest: forestSeconds,
        localOutlierFactor: lofSeconds,
        robustZScore: zScoreSeconds,
        ensemble: ensembleSeconds,
      },
    };
  }

  get columnCount(): number {
    return this.factorNames.length;
  }

  /** Risk of each row, 0..1. */
  score(data: NumericMatrix): Float64Array {
    return this.scoreWithDetectors(data).ensemble;
  }

  /** Risk of each row plus each detector's raw score, for storing alongside the risk. */
  scoreWithDetectors(data: NumericMatrix): EnsembleScores {
    const standardised = this.standardiser.transform(data);
    const rawScores = this.rawScores(standardised);
    const evidence = combinedEvidence(rawScores, this.calibration, this.weights, this.combination);
    if (this.accepted) {
      const width = standardised.columnCount;
      for (let r = 0; r < evidence.length; r++) {
        evidence[r] = this.beyondAccepted(
          standardised.values.subarray(r * width, (r + 1) * width),
          evidence[r],
        );
      }
    }
    return { ...rawScores, ensemble: this.riskCalibration.calibrateAll(evidence) };
  }

  private rawScores(standardised: NumericMatrix): PerDetector<Float64Array> {
    return {
      isolationForest: this.isolationForest.score(standardised),
      localOutlierFactor: this.localOutlierFactor.score(standardised),
      robustZScore: this.robustZScore.score(standardised),
    };
  }

  /** The row's evidence beyond the most surprising accepted row within reach (see acceptAsNormal). */
  private beyondAccepted(standardisedRow: ArrayLike<number>, evidence: number): number {
    const accepted = this.accepted;
    if (!accepted) return evidence;
    const reach = accepted.radius * accepted.radius;
    let covered = -Infinity;
    accepted.rows.forEach((row, i) => {
      let distance = 0;
      for (let c = 0; c < row.length && distance <= reach; c++)
        distance += (row[c] - standardisedRow[c]) ** 2;
      if (distance <= reach) covered = Math.max(covered, accepted.evidence[i]);
    });
    return covered === -Infinity ? evidence : Math.max(0, evidence - covered);
  }

  /**
   * Each detector's calibrated score (0..1: the estimated fraction of training rows it exceeds) and the
   * risk, for every row: puts the detectors on one scale, so one threshold can be judged on each of them.
   */
  calibratedScores(data: NumericMatrix): EnsembleScores {
    const scores = this.scoreWithDetectors(data);
    return {
      ...mapDetectors((name) => this.calibration[name].calibrateAll(scores[name])),
      ensemble: scores.ensemble,
    };
  }

  scoreRow(row: ArrayLike<number>): number {
    return this.explain(row).risk;
  }

  explain(row: ArrayLike<number>): AnomalyExplanation {
    const standardised = this.standardiser.transformRow(row);
    const lof = this.localOutlierFactor.explainRow(standardised);
    const zColumns = this.robustZScore.columnScores(standardised);
    const forest = this.isolationForest.explainRow(standardised);
    const raw: PerDetector<number> = {
      isolationForest: forest.score,
      localOutlierFactor: lof.score,
      robustZScore: this.robustZScore.scoreRow(standardised),
    };
    const featureShares: PerDetector<Float64Array> = {
      isolationForest: forest.featureShares,
      localOutlierFactor: lof.featureShares,
      robustZScore: sharesOf(zColumns),
    };
    const weightedSurprisal = mapDetectors(
      (name) => this.weights[name] * this.calibration[name].surprisal(raw[name]),
    );
    const evidence = this.beyondAccepted(
      standardised,
      combineSurprisals(
        this.combination,
        DETECTOR_NAMES.map((name) => this.calibration[name].surprisal(raw[name])),
        DETECTOR_NAMES.map((name) => this.weights[name]),
      ),
    );
    const risk = this.riskCalibration.calibrate(evidence);

    // Only detectors that have something to say about the factors take part in the explanation.
    const mixedShares = new Float64Array(this.columnCount);
    let mixingTotal = 0;
    for (const name of DETECTOR_NAMES) {
      const shares = featureShares[name];
      const weight = weightedSurprisal[name];
      if (!(weight > 0) || !shares.some((share) => share > 0)) continue;
      for (let column = 0; column < mixedShares.length; column++)
        mixedShares[column] += weight * shares[column];
      mixingTotal += weight;
    }
    const factors = this.factorNames.map((factor, column) => {
      const share = mixingTotal > 0 ? mixedShares[column] / mixingTotal : 0;
      return { factor, share, contribution: share * risk };
    });
    const detectors = mapDetectors((name) => ({
      raw: raw[name],
      calibrated: this.calibration[name].calibrate(raw[name]),
    }));
    return { risk, detectors, factors };
  }

  toJSON(): AnomalyEnsembleJson {
    return {
      format: 'anomaly-ensemble/v1',
      seed: this.seed,
      factorNames: [...this.factorNames],
      weights: { ...this.weights },
      combination: this.combination,
      standardiser: this.standardiser.toJSON(),
      isolationForest: this.isolationForest.toJSON(),
      localOutlierFactor: this.localOutlierFactor.toJSON(),
      robustZScore: this.robustZScore.toJSON(),
      calibration: mapDetectors((name) => this.calibration[name].toJSON()),
      riskCalibration: this.riskCalibration.toJSON(),
      ...(this.accepted ? { accepted: this.accepted } : {}),
    };
  }

  static fromJSON(json: AnomalyEnsembleJson): AnomalyEnsemble {
    if (json?.format !== 'anomaly-ensemble/v1') throw new TypeError('not an anomaly-ensemble/v1 model');
    const standardiser = Standardiser.fromJSON(json.standardiser);
    const isolationForest = IsolationForest.fromJSON(json.isolationForest);
    const localOutlierFactor = LocalOutlierFactor.fromJSON(json.localOutlierFactor);
    const robustZScore = RobustZScore.fromJSON(json.robustZScore);
    const factorNames = resolveFactorNames(json.factorNames, standardiser.columnCount);
    const widths = [isolationForest.columnCount, localOutlierFactor.columnCount, robustZScore.columnCount];
    if (widths.some((width) => width !== standardiser.columnCount)) {
      throw new TypeError('anomaly ensemble JSON parts were fitted on different numbers of columns');
    }
    const combination = json.combination ?? LEGACY_COMBINATION;
    if (!isCombinationRule(combination))
      throw new TypeError('anomaly ensemble JSON has an unknown combination rule');
    return new AnomalyEnsemble(
      json.seed,
      factorNames,
      resolveWeights(json.weights),
      combination,
      standardiser,
      isolationForest,
      localOutlierFactor,
      robustZScore,
      mapDetectors((name) => ScoreCalibration.fromJSON(json.calibration?.[name])),
      ScoreCalibration.fromJSON(json.riskCalibration),
      acceptedFromJSON(json.accepted, standardiser.columnCount),
    );
  }
}

/** The rule's evidence for every row, from the detectors' calibrated surprisals. */
function combinedEvidence(
  rawScores: PerDetector<Float64Array>,
  calibration: PerDetector<ScoreCalibration>,
  weights: PerDetector<number>,
  rule: CombinationRule,
): Float64Array {
  const rowCount = rawScores.isolationForest.length;
  const evidence = new Float64Array(rowCount);
  const surprisals = new Float64Array(DETECTOR_NAMES.length);
  const weightList = DETECTOR_NAMES.map((name) => weights[name]);
  for (let row = 0; row < rowCount; row++) {
    DETECTOR_NAMES.forEach((name, i) => {
      surprisals[i] = calibration[name].surprisal(rawScores[name][row]);
    });
    evidence[row] = combineSurprisals(rule, surprisals, weightList);
  }
  return evidence;
}

function acceptedFromJSON(
  json: AcceptedNormalJson | undefined,
  columnCount: number,
): AcceptedNormalJson | undefined {
  if (json === undefined) return undefined;
  const valid =
    Array.isArray(json.rows) &&
    Array.isArray(json.evidence) &&
    json.rows.length === json.evidence.length &&
    json.rows.every(
      (row) => Array.isArray(row) && row.length === columnCount && row.every(Number.isFinite),
    ) &&
    json.evidence.every(Number.isFinite) &&
    Number.isFinite(json.radius) &&
    json.radius >= 0;
  if (!valid) throw new TypeError('anomaly ensemble JSON has invalid accepted rows');
  return { rows: json.rows.map((row) => [...row]), evidence: [...json.evidence], radius: json.radius };
}

function mapDetectors<T>(make: (name: DetectorName) => T): PerDetector<T> {
  return {
    isolationForest: make('isolationForest'),
    localOutlierFactor: make('localOutlierFactor'),
    robustZScore: make('robustZScore'),
  };
}

function resolveWeights(weights: Partial<PerDetector<number>> | undefined): PerDetector<number> {
  const resolved = mapDetectors((name) => weights?.[name] ?? 1);
  for (const name of DETECTOR_NAMES) {
    if (!(resolved[name] >= 0) || !Number.isFinite(resolved[name])) {
      throw new RangeError(`weight of ${name} must be a finite number >= 0, got ${resolved[name]}`);
    }
  }
  if (DETECTOR_NAMES.every((name) => resolved[name] === 0))
    throw new RangeError('at least one detector weight must be > 0');
  return resolved;
}

function resolveFactorNames(names: readonly string[] | undefined, columnCount: number): string[] {
  if (names === undefined) return Array.from({ length: columnCount }, (_, column) => `column ${column + 1}`);
  if (names.length !== columnCount) {
    throw new RangeError(`${names.length} factor names for ${columnCount} columns`);
  }
  return [...names];
}

function sharesOf(values: Float64Array): Float64Array {
  let total = 0;
  for (const value of values) total += value;
  return total > 0 ? values.map((value) => value / total) : new Float64Array(values.length);
}

class Stopwatch {
  private last = performance.now();

  /** Seconds since the previous lap (or since construction). */
  lap(): number {
    const now = performance.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    return seconds;
  }
}
