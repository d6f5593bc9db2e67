import { KdTree } from './kd-tree';
import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

function bruteForceDistances(data: NumericMatrix, query: ArrayLike<number>, excluded = -1): number[] {
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

/** Correlated 5-D data with rounded values, so there are exact duplicates and ties. */
function awkwardData(rowCount: number, seed = 1): NumericMatrix {
  const random = new SeededRandom(seed);
  return NumericMatrix.fromRows(
    Array.from({ length: rowCount }, () => {
      const base = random.nextNormal();
      return [
        base,
        2 * base + random.nextNormal(),
        Math.round(random.nextNormal()),
        0,
        base - random.nextNormal(),
      ].map((value) => Math.round(value * 4) / 4);
    }),
  );
}

describe('KdTree', () => {
  it('finds exactly the k nearest distances that brute force finds, duplicates included', () => {
    const data = awkwardData(600);
    const tree = KdTree.build(data, 8);
    const search = tree.searcher(7);
    const random = new SeededRandom(2);
    for (let trial = 0; trial < 50; trial++) {
      const query = [0, 1, 2, 3, 4].map(() => 3 * random.nextNormal());
      expect(search.search(query)).toBe(7);
      const expected = bruteForceDistances(data, query).slice(0, 7);
      Array.from(search.distances).forEach((distance, i) => expect(distance).toBeCloseTo(expected[i], 10));
    }
  });

  it('leaves the query row itself out, but not its duplicates', () => {
    const data = awkwardData(400, 3);
    const search = KdTree.build(data, 16).searcher(5);
    for (let row = 0; row < data.rowCount; row += 13) {
      search.searchExcludingSelf(row);
      expect(Array.from(search.indices)).not.toContain(row);
      const expected = bruteForceDistances(data, data.row(row), row).slice(0, 5);
      Array.from(search.distances).forEach((distance, i) => expect(distance).toBeCloseTo(expected[i], 10));
    }
    const duplicated = NumericMatrix.fromRows([
      [1, 1],
      [1, 1],
      [5, 5],
    ]);
    const duplicateSearch = KdTree.build(duplicated).searcher(1);
    duplicateSearch.searchExcludingSelf(0);
    expect(duplicateSearch.indices[0]).toBe(1);
    expect(duplicateSearch.distances[0]).toBe(0);
  });

  it('returns neighbours sorted by distance, with the row indices of the input', () => {
    const data = NumericMatrix.fromRows([[0], [10], [3], [7], [1]]);
    const search = KdTree.build(data, 1).searcher(3);
    search.search([2.2]);
    expect(Array.from(search.indices)).toEqual([2, 4, 0]);
    [0.8, 1.2, 2.2].forEach((distance, i) => expect(search.distances[i]).toBeCloseTo(distance, 12));
  });

  it('reports how many neighbours exist when asked for more', () => {
    const search = KdTree.build(NumericMatrix.fromRows([[0], [1]])).searcher(5);
    expect(search.search([0])).toBe(2);
  });
});
