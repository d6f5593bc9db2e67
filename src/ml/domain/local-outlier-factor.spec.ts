import { LocalOutlierFactor } from './local-outlier-factor';
import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

describe('LocalOutlierFactor', () => {
  it('matches a hand computation on five points in one dimension (k = 2)', () => {
    // Points A=0, B=1, C=3, D=7, E=20; each point's 2 nearest others:
    //   A: B(1), C(3) → k-dist 3        B: A(1), C(2) → k-dist 2      C: B(2), A(3) → k-dist 3
    //   D: C(4), B(6) → k-dist 6        E: D(13), C(17) → k-dist 17
    // reach-dist(p, o) = max(k-dist(o), d(p, o)); lrd = 1 / mean reach-dist:
    //   A: max(2,1)=2, max(3,3)=3 → 1/2.5 = 0.4     B: max(3,1)=3, max(3,2)=3 → 1/3
    //   C: max(2,2)=2, max(3,3)=3 → 0.4             D: max(3,4)=4, max(2,6)=6 → 0.2
    //   E: max(6,13)=13, max(3,17)=17 → 1/15
    // LOF = mean lrd of the neighbours / own lrd:
    //   A: (1/3 + 0.4)/2 / 0.4 = 11/12   B: (0.4 + 0.4)/2 / (1/3) = 1.2   C: 11/12
    //   D: (0.4 + 1/3)/2 / 0.2 = 11/6    E: (0.2 + 0.4)/2 · 15 = 4.5
    // (scikit-learn's negative_outlier_factor_ gives the same values, negated.)
    const data = NumericMatrix.fromRows([[0], [1], [3], [7], [20]]);
    const { trainingScores } = LocalOutlierFactor.fitWithTrainingScores(data, { neighbourCount: 2 });
    [11 / 12, 1.2, 11 / 12, 11 / 6, 4.5].forEach((expected, i) =>
      expect(trainingScores[i]).toBeCloseTo(expected, 8),
    );
  });

  it('scores a new point against the reference rows like a row that is not among them', () => {
    // New point 5 next to the same five points: neighbours C=3 (d 2) and D=7 (d 2);
    // reach-dists max(3,2)=3 and max(6,2)=6 → lrd 1/4.5; LOF = (0.4 + 0.2)/2 · 4.5 = 1.35.
    const model = LocalOutlierFactor.fit(NumericMatrix.fromRows([[0], [1], [3], [7], [20]]), {
      neighbourCount: 2,
    });
    expect(model.scoreRow([5])).toBeCloseTo(1.35, 8);
  });

  it('gives duplicated points a finite density, as scikit-learn does', () => {
    const data = NumericMatrix.fromRows([[0], [0], [0], [1], [5]]);
    const { trainingScores } = LocalOutlierFactor.fitWithTrainingScores(data, { neighbourCount: 2 });
    for (const score of trainingScores) expect(Number.isFinite(score)).toBe(true);
    expect(trainingScores[0]).toBeCloseTo(1, 6);
    expect(trainingScores[4]).toBeGreaterThan(trainingScores[3]);
  });

  it('ranks a point just outside a tight cluster above points of a sparse cluster', () => {
    const random = new SeededRandom(6);
    const rows: number[][] = [];
    for (let i = 0; i < 150; i++) rows.push([random.nextNormal() * 0.1, random.nextNormal() * 0.1]);
    for (let i = 0; i < 150; i++) rows.push([10 + random.nextNormal() * 2, random.nextNormal() * 2]);
    rows.push([0.8, 0.8]); // far from the tight cluster by its own standards, closer than sparse neighbours are
    const scores = LocalOutlierFactor.fit(NumericMatrix.fromRows(rows)).score(NumericMatrix.fromRows(rows));
    const { trainingScores } = LocalOutlierFactor.fitWithTrainingScores(NumericMatrix.fromRows(rows));
    const top = Array.from(trainingScores.keys()).sort((a, b) => trainingScores[b] - trainingScores[a])[0];
    expect(top).toBe(300);
    expect(scores.length).toBe(301);
  });

  it('keeps a bounded reference sample, chosen by the seed', () => {
    const random = new SeededRandom(2);
    const data = NumericMatrix.fromRows(
      Array.from({ length: 500 }, () => [random.nextNormal(), random.nextNormal()]),
    );
    const fit = (seed: number) =>
      LocalOutlierFactor.fitWithTrainingScores(data, { referenceSampleSize: 100, neighbourCount: 10, seed });
    const first = fit(1);
    expect(first.model.referenceRowCount).toBe(100);
    expect(first.trainingScores.length).toBe(500);
    expect(fit(1).trainingScores).toEqual(first.trainingScores);
    expect(fit(2).trainingScores).not.toEqual(first.trainingScores);
  });

  it('caps k at the number of other rows', () => {
    const model = LocalOutlierFactor.fit(NumericMatrix.fromRows([[0], [1], [2]]));
    expect(model.neighbourCount).toBe(2);
    expect(() => LocalOutlierFactor.fit(NumericMatrix.fromRows([[0]]))).toThrow(RangeError);
  });

  it('scores identically after a JSON round trip', () => {
    const random = new SeededRandom(3);
    const data = NumericMatrix.fromRows(
      Array.from({ length: 200 }, () => [random.nextNormal(), random.nextFloat()]),
    );
    const model = LocalOutlierFactor.fit(data, { neighbourCount: 7 });
    const restored = LocalOutlierFactor.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const queries = NumericMatrix.fromRows([
      [0, 0],
      [3, 0.5],
      [-1, 2],
    ]);
    expect(restored.score(queries)).toEqual(model.score(queries));
  });

  it('explains a score by the coordinates that separate the point from its neighbours', () => {
    const random = new SeededRandom(4);
    const data = NumericMatrix.fromRows(
      Array.from({ length: 300 }, () => [random.nextNormal(), random.nextNormal()]),
    );
    const { featureShares } = LocalOutlierFactor.fit(data).explainRow([0, 9]);
    expect(featureShares[0] + featureShares[1]).toBeCloseTo(1, 12);
    expect(featureShares[1]).toBeGreaterThan(0.9);
  });
});
