import { averagePathLength, IsolationForest } from './isolation-forest';
import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

/** 200 rows of 2-D standard normal data plus three far-away rows at the end (indices 200–202). */
function gaussianWithThreeOutliers(seed = 1): NumericMatrix {
  const random = new SeededRandom(seed);
  const rows = Array.from({ length: 200 }, () => [random.nextNormal(), random.nextNormal()]);
  rows.push([8, 8], [-9, 0.5], [0, 10]);
  return NumericMatrix.fromRows(rows);
}

function topIndices(scores: Float64Array, count: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a])
    .slice(0, count)
    .sort((a, b) => a - b);
}

describe('averagePathLength (c(n))', () => {
  it('is 0 for one point and exactly 1 for two', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
  });

  it('follows 2H(n-1) - 2(n-1)/n with H(i) = ln(i) + 0.5772156649 (values as in scikit-learn)', () => {
    // c(3) = 2(ln 2 + γ) - 4/3; c(256) = 2(ln 255 + γ) - 510/256.
    expect(averagePathLength(3)).toBeCloseTo(1.20739236, 8);
    expect(averagePathLength(10)).toBeCloseTo(3.74888048, 8);
    expect(averagePathLength(256)).toBeCloseTo(10.24477092, 8);
  });
});

describe('IsolationForest', () => {
  it('ranks obvious outliers first', () => {
    const data = gaussianWithThreeOutliers();
    const scores = IsolationForest.fit(data, { seed: 3 }).score(data);
    expect(topIndices(scores, 3)).toEqual([200, 201, 202]);
    for (const score of scores) expect(score > 0 && score < 1).toBe(true);
  });

  it('scores 0.5 when nothing can be told apart (two points, or only identical rows)', () => {
    // Two rows: every tree splits the root once, each point ends alone at depth 1: E[h] = 1 = c(2).
    const two = NumericMatrix.fromRows([[0], [1]]);
    expect(Array.from(IsolationForest.fit(two).score(two))).toEqual([0.5, 0.5]);
    // Identical rows cannot be split: each tree is one leaf of psi rows, h = c(psi), score 2^-1.
    const same = NumericMatrix.fromRows([
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    expect(IsolationForest.fit(same).scoreRow([4, 4])).toBeCloseTo(0.5, 12);
  });

  it('uses psi = min(256, n) and the height limit ceil(log2 psi)', () => {
    const small = IsolationForest.fit(gaussianWithThreeOutliers(), { treeCount: 3 });
    expect(small.subsampleSize).toBe(203);
    expect(small.heightLimit).toBe(8);
    const tiny = IsolationForest.fit(NumericMatrix.fromRows([[1], [2], [3], [4], [5]]));
    expect(tiny.subsampleSize).toBe(5);
    expect(tiny.heightLimit).toBe(3);
    expect(tiny.treeCount).toBe(100);
  });

  it('gives identical scores for the same seed and different ones for another seed', () => {
    const data = gaussianWithThreeOutliers();
    const first = IsolationForest.fit(data, { seed: 11 }).score(data);
    const again = IsolationForest.fit(data, { seed: 11 }).score(data);
    const other = IsolationForest.fit(data, { seed: 12 }).score(data);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('scores identically after a JSON round trip', () => {
    const data = gaussianWithThreeOutliers();
    const forest = IsolationForest.fit(data, { seed: 5, treeCount: 50 });
    const restored = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
    expect(restored.score(data)).toEqual(forest.score(data));
    expect(restored.featureAttribution([8, 0])).toEqual(forest.featureAttribution([8, 0]));
  });

  it('refuses a corrupt serialised model instead of looping on it', () => {
    const json = IsolationForest.fit(gaussianWithThreeOutliers(), { treeCount: 2 }).toJSON();
    const corrupt = { ...json, leftChild: json.leftChild.map(() => 0) };
    expect(() => IsolationForest.fromJSON(corrupt)).toThrow(TypeError);
  });

  it('attributes the isolation of a row to the feature that sets it apart', () => {
    const data = gaussianWithThreeOutliers();
    const forest = IsolationForest.fit(data, { seed: 2 });
    const shares = forest.featureAttribution([0.1, 12]);
    expect(shares[0] + shares[1]).toBeCloseTo(1, 12);
    expect(shares[1]).toBeGreaterThan(0.8);
  });

  it('never splits on a constant column', () => {
    const random = new SeededRandom(4);
    const data = NumericMatrix.fromRows(Array.from({ length: 100 }, () => [random.nextNormal(), 3]));
    const forest = IsolationForest.fit(data, { seed: 1 });
    expect(forest.featureAttribution([5, 3])[1]).toBe(0);
  });
});

describe('IsolationForest.explainRow', () => {
  it('gives scoreRow and featureAttribution from one walk', () => {
    const rows = Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), (i % 17) / 17]);
    const data = NumericMatrix.fromRows(rows);
    const forest = IsolationForest.fit(data, { seed: 4, treeCount: 30 });
    for (const row of [rows[0], rows[123], [5, -5, 2]]) {
      const explained = forest.explainRow(row);
      expect(explained.score).toBeCloseTo(forest.scoreRow(row), 12);
      const shares = forest.featureAttribution(row);
      explained.featureShares.forEach((share, column) => expect(share).toBeCloseTo(shares[column], 10));
    }
  });
});
