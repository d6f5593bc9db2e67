import {
  averagePrecision,
  countsAtThreshold,
  precisionAtThreshold,
  recallAtThreshold,
  rocAuc,
} from './evaluation';

describe('evaluation metrics', () => {
  // Anomalies (label 1) score 0.4, 0.8 and 0.35; normal rows 0.1, 0.35, 0.4 and 0.2.
  const labels = [0, 1, 0, 1, 0, 0, 1];
  const scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.35];

  it('computes ROC-AUC from ranks, a tie counting one half', () => {
    // Pairs (anomaly, normal) won: 0.4 beats 3 and ties 1 → 3.5; 0.8 beats 4; 0.35 beats 2, ties 1 → 2.5.
    // (3.5 + 4 + 2.5) / 12 = 0.8333…, as scikit-learn's roc_auc_score.
    expect(rocAuc(labels, scores)).toBeCloseTo(10 / 12, 12);
  });

  it('gives 1 for a perfect ranking, 0 for a reversed one and 0.5 for a constant score', () => {
    expect(rocAuc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [1, 2, 3, 4])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [7, 7, 7, 7])).toBe(0.5);
  });

  it('computes average precision as scikit-learn does: Σ (R_n - R_n-1) · P_n', () => {
    // Threshold 0.8: P 1, R 1/3. Threshold 0.4: 3 flagged, 2 anomalies → P 2/3, R 2/3.
    // Threshold 0.35: 5 flagged, 3 anomalies → P 3/5, R 1. Lower thresholds add no recall.
    // AP = 1/3 · 1 + 1/3 · 2/3 + 1/3 · 3/5 = 0.7555…
    expect(averagePrecision(labels, scores)).toBeCloseTo(1 / 3 + 2 / 9 + 1 / 5, 12);
    expect(averagePrecision([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
  });

  it('counts precision and recall of flagging every score at or above a threshold', () => {
    // Threshold 0.4 flags 0.4 (anomaly), 0.8 (anomaly) and 0.4 (normal); misses the anomaly at 0.35.
    expect(countsAtThreshold(labels, scores, 0.4)).toEqual({
      truePositives: 2,
      falsePositives: 1,
      trueNegatives: 3,
      falseNegatives: 1,
      precision: 2 / 3,
      recall: 2 / 3,
    });
    expect(precisionAtThreshold(labels, scores, 0.8)).toBe(1);
    expect(recallAtThreshold(labels, scores, 0.8)).toBeCloseTo(1 / 3, 12);
    expect(precisionAtThreshold(labels, scores, 0.9)).toBe(0); // nothing flagged
  });

  it('accepts boolean labels', () => {
    expect(rocAuc([false, true], [0.2, 0.9])).toBe(1);
  });

  it('refuses inputs that make the metrics meaningless', () => {
    expect(() => rocAuc([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => averagePrecision([1, 1], [1, 2])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [1])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [1, NaN])).toThrow(RangeError);
  });
});
