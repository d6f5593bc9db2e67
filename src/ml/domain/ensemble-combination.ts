/**
 * How the anomaly ensemble turns its detectors' calibrated surprisals into one piece of evidence per row.
 *
 * Each detector's raw score is first calibrated to p, the estimated share of training rows it exceeds, and
 * read as the surprisal s = -ln(1 - p) (0.69 at the median, 4.6 at the top 1 %, growing with the distance
 * beyond the detector's other high scores in the tail; see ScoreCalibration). A rule maps the weighted
 * surprisals of a row to its evidence; the ensemble's risk is then the evidence's rank among the training
 * rows, so only the ordering a rule produces matters.
 */
export const COMBINATION_RULES = [
  'strongest',
  'meanSurprisal',
  'topTwoSurprisal',
  'medianSurprisal',
  'rankAverage',
] as const;
export type CombinationRule = (typeof COMBINATION_RULES)[number];

/**
 * The rule new models use, chosen by measurement (`npm run ml:robustness`, table in docs/ml.md): on the
 * simulator, a synthetic set and thirteen public labelled sets it met issue 16's bar (ROC-AUC at most
 * 0.01 below the rank average of its own detectors and at most 0.02 below the best single detector) on 9
 * of the 15, more than any other candidate ('strongest', the earlier rule: 5; mean surprisal 8; the rank
 * average itself: 4), and it keeps a single misled detector from deciding: on duplicated rows (breastw)
 * LOF's ROC-AUC is 0.45 and 'strongest' fell to 0.79, the median stays at 0.99. Where it misses, one
 * detector alone is right and the other two are far behind it (or, on the synthetic set built that way,
 * each anomaly is seen by one detector only), which no rule that does not know the labels can tell.
 */
export const DEFAULT_COMBINATION: CombinationRule = 'medianSurprisal';

/**
 * Models stored before the rule was a parameter combined with 'strongest'; they keep it, since their risk
 * calibration was fitted on that rule's evidence.
 */
export const LEGACY_COMBINATION: CombinationRule = 'strongest';

/** Bound of the median rule's tie-break: far below any difference of median surprisal that matters. */
export const MEDIAN_TIE_BREAK = 1e-3;

export function isCombinationRule(value: unknown): value is CombinationRule {
  return typeof value === 'string' && (COMBINATION_RULES as readonly string[]).includes(value);
}

/**
 * The evidence of one row from its detectors' surprisals (each >= 0, finite) and weights (>= 0, some > 0):
 *  - strongest: max w·s. A blind detector cannot bury the one that sees an anomaly, but one detector misled
 *    by the data (LOF among duplicated rows, say) decides alone.
 *  - meanSurprisal: Σ w·s / Σ w, i.e. minus the log of the weighted geometric mean of the exceedances: a
 *    row must be unusual to the detectors together, yet one detector far out in its tail still moves it a
 *    long way (unlike a mean of ranks, bounded by 1 per detector).
 *  - topTwoSurprisal: the weighted mean of the two largest w·s: ignores the least convinced detector.
 *  - medianSurprisal: the median surprisal of the detectors taking part, so a row needs two of three
 *    detectors to be unusual and one misled detector decides nothing; plus at most a thousandth
 *    (0.001·s/(1 + s) of the strongest weighted surprisal s), which only orders rows whose medians
 *    (nearly) tie — e.g. new rows against a training set where two detectors are constant.
 *  - rankAverage: Σ w·p / Σ w with p = 1 - e^(-s): the plain average of the detectors' ranks.
 * Detectors of weight 0 take no part.
 */
export function combineSurprisals(
  rule: CombinationRule,
  surprisals: ArrayLike<number>,
  weights: ArrayLike<number>,
): number {
  switch (rule) {
    case 'strongest': {
      let strongest = 0;
      for (let i = 0; i < surprisals.length; i++) {
        if (weights[i] > 0) strongest = Math.max(strongest, weights[i] * surprisals[i]);
      }
      return strongest;
    }
    case 'meanSurprisal':
    case 'rankAverage': {
      let sum = 0;
      let weightSum = 0;
      for (let i = 0; i < surprisals.length; i++) {
        if (!(weights[i] > 0)) continue;
        const value = rule === 'rankAverage' ? -Math.expm1(-surprisals[i]) : surprisals[i];
        sum += weights[i] * value;
        weightSum += weights[i];
      }
      return weightSum > 0 ? sum / weightSum : 0;
    }
    case 'topTwoSurprisal': {
      const ranked = activeValues(surprisals, weights, (s, w) => w * s).sort((a, b) => b - a);
      const top = ranked.slice(0, 2);
      return top.length === 0 ? 0 : top.reduce((sum, value) => sum + value, 0) / top.length;
    }
    case 'medianSurprisal': {
      const ranked = activeValues(surprisals, weights, (s) => s).sort((a, b) => a - b);
      if (ranked.length === 0) return 0;
      const middle = ranked.length >> 1;
      const median = ranked.length % 2 === 1 ? ranked[middle] : (ranked[middle - 1] + ranked[middle]) / 2;
      const strongest = combineSurprisals('strongest', surprisals, weights);
      // Bounded (s / (1 + s) < 1), or a misled detector's huge surprisal would decide through the back door.
      return median + MEDIAN_TIE_BREAK * (strongest / (1 + strongest));
    }
  }
}

function activeValues(
  surprisals: ArrayLike<number>,
  weights: ArrayLike<number>,
  value: (surprisal: number, weight: number) => number,
): number[] {
  const values: number[] = [];
  for (let i = 0; i < surprisals.length; i++)
    if (weights[i] > 0) values.push(value(surprisals[i], weights[i]));
  return values;
}
