/**
 * Robustness of the ensemble's combination rule (issue 16, must have 3): on labelled outlier-detection
 * sets, fit the ensemble on all rows (unsupervised; labels only score the result) and compare the ROC-AUC
 * of every combination rule with each single detector and with the plain average of the three detectors'
 * ranks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnomalyEnsemble, DETECTOR_NAMES, PerDetector } from '../../src/ml/domain/anomaly-ensemble';
import {
  COMBINATION_RULES,
  CombinationRule,
  combineSurprisals,
} from '../../src/ml/domain/ensemble-combination';
import { rocAuc } from '../../src/ml/domain/evaluation';
import { modelFeatures } from '../../src/ml/domain/model-training';
import { NumericMatrix } from '../../src/ml/domain/numeric-matrix';
import { LABEL_COLUMN, parseNumericCsv } from '../../src/ml/domain/numeric-table';
import { FACTOR_NAMES } from '../../src/ml/domain/risk-factors';
import { StatisticalViewerScorer } from '../../src/ml/domain/viewer-scorer';
import { snapshotsOf } from './out-of-sample';
import { replaySimulatedRun, SimulatedRunOptions } from './simulated-run';

export interface LabelledSet {
  name: string;
  data: NumericMatrix;
  labels: Uint8Array;
  duplicateRows: number;
  constantColumns: number;
}

export interface RobustnessRow {
  set: LabelledSet;
  seconds: number;
  detectors: PerDetector<number>;
  /** ROC-AUC of the mean of the three detectors' ranks among the rows (ties at mid-rank). */
  rankAverage: number;
  rules: Record<CombinationRule, number>;
  /** Every score of every detector and rule was a finite number. */
  finite: boolean;
}

/** A CSV with a `label` column (1 = outlier), as prepare-outlier-sets.py writes them. */
export function readLabelledCsv(path: string, name: string): LabelledSet {
  const text = readFileSync(path, 'utf8');
  const table = parseNumericCsv(text, path);
  const header = text.slice(0, text.indexOf('\n')).split(',');
  const labelAt = header.findIndex((cell) => cell.trim() === LABEL_COLUMN);
  if (labelAt < 0) throw new Error(`${path}: no ${LABEL_COLUMN} column`);
  const lines = text.trim().split('\n').slice(1);
  const labels = Uint8Array.from(lines, (line) => (Number(line.split(',')[labelAt]) > 0 ? 1 : 0));
  return describeSet(name, table.matrix, labels);
}

export function labelledSetsIn(folder: string): LabelledSet[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.csv'))
    .sort()
    .map((file) => readLabelledCsv(join(folder, file), file.replace(/\.csv$/, '')));
}

/**
 * The simulator's labelled set: one seeded run's factor snapshots (as the stage keeps them, one per viewer
 * and 15 minutes at its riskiest), as model features; a snapshot is positive when its viewer was the
 * subject of an anomaly scenario, negative when the viewer is clean, left out otherwise.
 */
export function simulatorSet(run: SimulatedRunOptions): LabelledSet {
  const replayed = replaySimulatedRun(run, new StatisticalViewerScorer());
  const positives = new Set(Object.values(replayed.truth.scenarios).flatMap((s) => s!.viewers));
  const negatives = new Set(replayed.truth.cleanViewers);
  const kept = snapshotsOf(replayed, 15 * 60_000).filter(
    (s) => positives.has(s.userId) || negatives.has(s.userId),
  );
  const raw = new NumericMatrix(
    kept.length,
    FACTOR_NAMES.length,
    Float64Array.from(kept.flatMap((s) => Array.from(s.factors))),
  );
  const labels = Uint8Array.from(kept, (s) => (positives.has(s.userId) ? 1 : 0));
  return describeSet(`simulator seed ${run.seed}`, modelFeatures(raw), labels);
}

export function describeSet(name: string, data: NumericMatrix, labels: Uint8Array): LabelledSet {
  const seen = new Set<string>();
  let duplicateRows = 0;
  for (let r = 0; r < data.rowCount; r++) {
    const key = data.row(r).join(',');
    if (seen.has(key)) duplicateRows++;
    else seen.add(key);
  }
  let constantColumns = 0;
  for (let c = 0; c < data.columnCount; c++) {
    const first = data.get(0, c);
    let constant = true;
    for (let r = 1; r < data.rowCount && constant; r++) constant = data.get(r, c) === first;
    if (constant) constantColumns++;
  }
  return { name, data, labels, duplicateRows, constantColumns };
}

export function evaluateRobustness(set: LabelledSet, seed = 1): RobustnessRow {
  const started = performance.now();
  const training = AnomalyEnsemble.train(set.data, { seed });
  const seconds = (performance.now() - started) / 1000;
  const raw = training.trainingScores;
  const surprisals = training.trainingSurprisals;
  const n = set.data.rowCount;
  const ranks = DETECTOR_NAMES.map((name) => midRanks(raw[name]));
  const rankAverage = new Float64Array(n);
  for (let r = 0; r < n; r++) rankAverage[r] = (ranks[0][r] + ranks[1][r] + ranks[2][r]) / 3;
  const weights = [1, 1, 1];
  const row = new Float64Array(DETECTOR_NAMES.length);
  let finite = true;
  const rules = Object.fromEntries(
    COMBINATION_RULES.map((rule) => {
      const evidence = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        DETECTOR_NAMES.forEach((name, i) => (row[i] = surprisals[name][r]));
        evidence[r] = combineSurprisals(rule, row, weights);
        if (!Number.isFinite(evidence[r])) finite = false;
      }
      return [rule, rocAuc(set.labels, evidence)];
    }),
  ) as Record<CombinationRule, number>;
  for (const name of [...DETECTOR_NAMES, 'ensemble'] as const) {
    if (!raw[name].every(Number.isFinite)) finite = false;
  }
  return {
    set,
    seconds,
    detectors: {
      isolationForest: rocAuc(set.labels, raw.isolationForest),
      localOutlierFactor: rocAuc(set.labels, raw.localOutlierFactor),
      robustZScore: rocAuc(set.labels, raw.robustZScore),
    },
    rankAverage: rocAuc(set.labels, rankAverage),
    rules,
    finite,
  };
}

/** Passes issue 16's bar: within 0.01 of the rank average and within 0.02 of the best single detector. */
export function meetsBar(row: RobustnessRow, rule: CombinationRule): boolean {
  const best = Math.max(...DETECTOR_NAMES.map((name) => row.detectors[name]));
  return row.rules[rule] >= row.rankAverage - 0.01 && row.rules[rule] >= best - 0.02;
}

function midRanks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + end - 1) / 2 / Math.max(1, values.length - 1);
    for (let i = start; i < end; i++) ranks[order[i]] = rank;
    start = end;
  }
  return ranks;
}
