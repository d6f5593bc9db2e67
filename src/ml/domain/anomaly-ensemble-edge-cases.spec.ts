/**
 * The combination's edge cases (issue 16): tied scores, duplicate rows, constant columns and detectors
 * that say the same about every row. Everything must stay finite, in range, and ordered sensibly.
 */
import { AnomalyEnsemble } from './anomaly-ensemble';
import { NumericMatrix } from './numeric-matrix';
import { ScoreCalibration } from './score-calibration';
import { SeededRandom } from './seeded-random';

const finiteRisk = (values: ArrayLike<number>) =>
  Array.from(values).every((v) => Number.isFinite(v) && v >= 0 && v <= 1);

describe('the ensemble on degenerate data', () => {
  it('trains on rows that are all identical (every detector constant) and still orders new rows', () => {
    const data = NumericMatrix.fromRows(Array.from({ length: 60 }, () => [1, 2, 3]));
    const training = AnomalyEnsemble.train(data, { seed: 1 });
    expect(finiteRisk(training.trainingScores.ensemble)).toBe(true);
    // every training row is the same row, so every one has the same risk
    expect(new Set(training.trainingScores.ensemble).size).toBe(1);
    const model = training.model;
    const scores = model.score(
      NumericMatrix.fromRows([
        [1, 2, 3],
        [1, 2, 4],
        [1, 2, 30],
      ]),
    );
    expect(finiteRisk(scores)).toBe(true);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    expect(scores[2]).toBeGreaterThan(scores[1]);
    const explanation = model.explain([1, 2, 30]);
    expect(
      explanation.factors.every((f) => Number.isFinite(f.share) && Number.isFinite(f.contribution)),
    ).toBe(true);
  });

  it('gives duplicated rows finite, equal scores and still puts the one outlier on top', () => {
    const random = new SeededRandom(5);
    const rows: number[][] = [];
    for (let i = 0; i < 150; i++) rows.push([0, 0, 1]); // a block of duplicates (LOF's k-distance is 0 inside it)
    for (let i = 0; i < 100; i++) rows.push([random.nextNormal(), random.nextNormal(), 1]); // a constant third column
    rows.push([9, -9, 1]);
    const training = AnomalyEnsemble.train(NumericMatrix.fromRows(rows), { seed: 2 });
    const { ensemble, localOutlierFactor, robustZScore, isolationForest } = training.trainingScores;
    for (const scores of [localOutlierFactor, robustZScore, isolationForest]) {
      expect(Array.from(scores).every(Number.isFinite)).toBe(true);
    }
    expect(finiteRisk(ensemble)).toBe(true);
    expect(new Set(Array.from(ensemble).slice(0, 150)).size).toBe(1);
    const top = Array.from(ensemble).indexOf(Math.max(...ensemble));
    expect(top).toBe(250);
  });

  it('gives tied training evidence its mid-rank, not the top of the tie', () => {
    // 90 % of the rows share one value: their risk is about 0.45, not 0.9 (nor 0)
    const rows = [
      ...Array.from({ length: 90 }, () => [0, 0]),
      ...Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]),
    ];
    const training = AnomalyEnsemble.train(NumericMatrix.fromRows(rows), { seed: 3 });
    const tiedRisk = training.trainingScores.ensemble[0];
    expect(tiedRisk).toBeGreaterThan(0.3);
    expect(tiedRisk).toBeLessThan(0.6);
  });

  it('lets the other detectors decide when one detector is constant', () => {
    // Two binary columns, each half zeros and half ones: every row is exactly as far from the column
    // medians (0.5), so the robust z-score says the same about all of them. Two rows break the columns'
    // correlation; only the forest and LOF can see it.
    const rows = [
      ...Array.from({ length: 99 }, () => [0, 0]),
      ...Array.from({ length: 99 }, () => [1, 1]),
      [0, 1],
      [1, 0],
    ];
    const training = AnomalyEnsemble.train(NumericMatrix.fromRows(rows), { seed: 4 });
    expect(new Set(training.trainingScores.robustZScore).size).toBe(1);
    const constant = ScoreCalibration.fit(training.trainingScores.robustZScore);
    expect(constant.surprisal(training.trainingScores.robustZScore[0])).toBeCloseTo(Math.LN2, 12);
    const risk = Array.from(training.trainingScores.ensemble);
    expect(finiteRisk(risk)).toBe(true);
    const ordinaryTop = Math.max(...risk.slice(0, 198));
    expect(risk[198]).toBeGreaterThan(ordinaryTop);
    expect(risk[199]).toBeGreaterThan(ordinaryTop);
  });
});
