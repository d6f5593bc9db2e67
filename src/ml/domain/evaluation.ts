/**
 * Metrics for judging an anomaly detector against known labels. A label is positive (an anomaly) when it
 * is `true` or a non-zero number; a higher score means "more anomalous".
 */
export type Labels = ArrayLike<number | boolean>;

export interface ThresholdCounts {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** TP / (TP + FP); 0 when nothing is flagged (scikit-learn's zero_division default). */
  precision: number;
  /** TP / (TP + FN). */
  recall: number;
}

/**
 * Area under the ROC curve via the rank-sum (Mann–Whitney U) statistic: the probability that a random
 * anomaly scores higher than a random normal row, ties counting one half. Tied scores get their mid-rank,
 * which is what makes a constant detector score exactly 0.5.
 */
export function rocAuc(labels: Labels, scores: ArrayLike<number>): number {
  const { positives, negatives } = countClasses(labels, scores);
  const order = indicesByScore(scores, 'ascending');
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end]] === scores[order[start]]) end++;
    const midRank = (start + 1 + end) / 2; // 1-based ranks start+1 .. end share their mean
    for (let i = start; i < end; i++) if (isPositive(labels[order[i]])) positiveRankSum += midRank;
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision as scikit-learn defines it: AP = Σ_n (R_n - R_{n-1}) · P_n over the distinct score
 * thresholds taken from the highest down, with R and P the recall and precision of flagging every row
 * scoring at least that threshold. No interpolation: it is the step-wise area under the PR curve.
 */
export function averagePrecision(labels: Labels, scores: ArrayLike<number>): number {
  const { positives } = countClasses(labels, scores);
  const order = indicesByScore(scores, 'descending');
  let truePositives = 0;
  let previousRecall = 0;
  let area = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    // All rows sharing a score cross the threshold together.
    while (end < order.length && scores[order[end]] === scores[order[start]]) {
      if (isPositive(labels[order[end]])) truePositives++;
      end++;
    }
    const recall = truePositives / positives;
    area += (recall - previousRecall) * (truePositives / end); // `end` rows are flagged at this threshold
    previousRecall = recall;
    start = end;
  }
  return area;
}

/** Confusion counts, precision and recall when every row scoring at least `threshold` is flagged. */
export function countsAtThreshold(
  labels: Labels,
  scores: ArrayLike<number>,
  threshold: number,
): ThresholdCounts {
  requireSameLength(labels, scores);
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold;
    if (isPositive(labels[i])) {
      if (flagged) truePositives++;
      else falseNegatives++;
    } else if (flagged) {
      falsePositives++;
    } else {
      trueNegatives++;
    }
  }
  const flaggedCount = truePositives + falsePositives;
  const positiveCount = truePositives + falseNegatives;
  return {
    truePositives,
    falsePositives,
    trueNegatives,
    falseNegatives,
    precision: flaggedCount === 0 ? 0 : truePositives / flaggedCount,
    recall: positiveCount === 0 ? 0 : truePositives / positiveCount,
  };
}

export function precisionAtThreshold(labels: Labels, scores: ArrayLike<number>, threshold: number): number {
  return countsAtThreshold(labels, scores, threshold).precision;
}

export function recallAtThreshold(labels: Labels, scores: ArrayLike<number>, threshold: number): number {
  return countsAtThreshold(labels, scores, threshold).recall;
}

function isPositive(label: number | boolean): boolean {
  return label === true || (typeof label === 'number' && label !== 0);
}

function countClasses(labels: Labels, scores: ArrayLike<number>): { positives: number; negatives: number } {
  requireSameLength(labels, scores);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
    if (isPositive(labels[i])) positives++;
  }
  const negatives = labels.length - positives;
  // Both metrics are undefined without both classes; a silent NaN would end up in a stored model record.
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`need both anomalies and normal rows, got ${positives} and ${negatives}`);
  }
  return { positives, negatives };
}

function requireSameLength(labels: Labels, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) {
    throw new RangeError(`${labels.length} labels but ${scores.length} scores`);
  }
}

function indicesByScore(scores: ArrayLike<number>, direction: 'ascending' | 'descending'): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const sign = direction === 'ascending' ? 1 : -1;
  // Comparisons rather than subtraction, so infinite scores sort too (Infinity - Infinity is NaN).
  return order.sort((a, b) => (scores[a] < scores[b] ? -sign : scores[a] > scores[b] ? sign : 0));
}
