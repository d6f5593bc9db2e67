import { BruteForceNeighbours } from './brute-force-neighbours';
import { KdTree } from './kd-tree';
import { LocalOutlierFactor, neighbourIndexFor } from './local-outlier-factor';
import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

/** Wide rows with rounded values, so there are exact duplicates and tied distances. */
function wideAwkwardData(rowCount: number, columnCount: number, seed = 1): NumericMatrix {
  const random = new SeededRandom(seed);
  const rows = Array.from({ length: rowCount }, () =>
    Array.from({ length: columnCount }, (_, c) => (c === 3 ? 0 : Math.round(random.nextNormal() * 2) / 2)),
  );
  for (let i = 0; i < 20; i++) rows.push([...rows[i]]); // exact duplicates
  return NumericMatrix.fromRows(rows);
}

function sortedDistancesTo(data: NumericMatrix, query: ArrayLike<number>, excluded = -1): number[] {
  const distances: number[] = [];
  for (let row = 0; row < data.rowCount; row++) {
    if (row === excluded) continue;
    let sum = 0;
    for (let column = 0; column < data.columnCount; column++)
      sum += (data.get(row, column) - query[column]) ** 2;
    distances.push(Math.sqrt(sum));
  }
  return distances.sort((a, b) => a - b);
}

describe('BruteForceNeighbours', () => {
  it('gives every row the k nearest distances of a full sort, leaving itself out but not its duplicates', () => {
    const data = wideAwkwardData(150, 17); // 170 rows: more than two 64-row tiles, and a ragged last tile
    const k = 9;
    const { indices, distances } = new BruteForceNeighbours(data).allNeighbours(k);
    for (let row = 0; row < data.rowCount; row++) {
      const expected = sortedDistancesTo(data, data.row(row), row).slice(0, k);
      const found = Array.from(distances.subarray(row * k, (row + 1) * k));
      found.forEach((distance, slot) => expect(distance).toBeCloseTo(expected[slot], 12));
      for (let slot = 0; slot < k; slot++) {
        const neighbour = indices[row * k + slot];
        expect(neighbour).not.toBe(row);
        expect(
          sortedDistancesTo(NumericMatrix.fromRows([data.row(neighbour)]), data.row(row))[0],
        ).toBeCloseTo(found[slot], 12);
      }
    }
    // A duplicated row's nearest neighbour is its twin, at distance exactly 0.
    expect(distances[0]).toBe(0);
  });

  it('answers queries for new points like a sort of all distances', () => {
    const data = wideAwkwardData(120, 20, 3);
    const search = new BruteForceNeighbours(data).searcher(6);
    const random = new SeededRandom(4);
    for (let trial = 0; trial < 25; trial++) {
      const query = Array.from({ length: 20 }, () => random.nextNormal());
      search.search(query);
      expect(Array.from(search.distances)).toEqual(
        sortedDistancesTo(data, query)
          .slice(0, 6)
          .map((d) => expect.closeTo(d, 12)),
      );
    }
  });

  it('agrees with the k-d tree neighbour for neighbour distance, so LOF does not depend on the index', () => {
    const data = wideAwkwardData(300, 18, 5);
    const brute = new BruteForceNeighbours(data).allNeighbours(10);
    const tree = KdTree.build(data).allNeighbours(10);
    for (let i = 0; i < brute.distances.length; i++)
      expect(brute.distances[i]).toBeCloseTo(tree.distances[i], 12);
  });

  it('rejects a k that the rows cannot supply', () => {
    const data = wideAwkwardData(3, 16);
    expect(() => new BruteForceNeighbours(data).allNeighbours(data.rowCount)).toThrow(RangeError);
    expect(() => new BruteForceNeighbours(data).allNeighbours(0)).toThrow(RangeError);
  });
});

describe('neighbourIndexFor', () => {
  const random = new SeededRandom(9);
  const isotropic = (columns: number) =>
    NumericMatrix.fromRows(
      Array.from({ length: 400 }, () => Array.from({ length: columns }, () => random.nextNormal())),
    );

  it('uses the k-d tree up to 15 columns and brute force above', () => {
    expect(neighbourIndexFor(isotropic(6))).toBeInstanceOf(KdTree);
    expect(neighbourIndexFor(isotropic(15))).toBeInstanceOf(KdTree);
    expect(neighbourIndexFor(isotropic(16))).toBeInstanceOf(BruteForceNeighbours);
  });

  it('gives the same LOF through either index', () => {
    const wide = isotropic(24);
    const viaBrute = LocalOutlierFactor.fitWithTrainingScores(wide, { neighbourCount: 10 }).trainingScores;
    // The same LOF computed from the tree's neighbours by the definition.
    const k = 10;
    const { indices, distances } = KdTree.build(wide).allNeighbours(k);
    const n = wide.rowCount;
    const kDistance = Float64Array.from({ length: n }, (_, r) => distances[r * k + k - 1]);
    const lrd = Float64Array.from({ length: n }, (_, r) => {
      let sum = 0;
      for (let s = r * k; s < (r + 1) * k; s++) sum += Math.max(kDistance[indices[s]], distances[s]);
      return 1 / (sum / k + 1e-10);
    });
    for (let r = 0; r < n; r++) {
      let sum = 0;
      for (let s = r * k; s < (r + 1) * k; s++) sum += lrd[indices[s]];
      expect(viaBrute[r]).toBeCloseTo(sum / k / lrd[r], 9);
    }
  });
});
