import { NumericMatrix } from './numeric-matrix';
import { PrincipalAxes, symmetricEigen } from './principal-axes';
import { SeededRandom } from './seeded-random';

describe('symmetricEigen', () => {
  it('decomposes a known matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 (along (1, 1)/√2) and 1 (along (1, -1)/√2).
    const { eigenvalues, eigenvectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    const byValue = [0, 1].sort((i, j) => eigenvalues[j] - eigenvalues[i]);
    expect(eigenvalues[byValue[0]]).toBeCloseTo(3, 12);
    expect(eigenvalues[byValue[1]]).toBeCloseTo(1, 12);
    const first = byValue[0];
    expect(Math.abs(eigenvectors[0 * 2 + first])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(eigenvectors[0 * 2 + first]).toBeCloseTo(eigenvectors[1 * 2 + first], 12);
  });
});

describe('PrincipalAxes', () => {
  it('orders axes by variance and keeps distances between rows', () => {
    const random = new SeededRandom(8);
    const data = NumericMatrix.fromRows(
      Array.from({ length: 300 }, () => {
        const main = 5 * random.nextNormal();
        return [main, main + random.nextNormal(), random.nextNormal(), -main];
      }),
    );
    const axes = PrincipalAxes.fit(data);
    for (let a = 1; a < 4; a++) expect(axes.variances[a - 1]).toBeGreaterThanOrEqual(axes.variances[a]);
    const projected = axes.project(data);
    const distance = (matrix: NumericMatrix, i: number, j: number) =>
      Math.hypot(...Array.from(matrix.row(i), (value, column) => value - matrix.get(j, column)));
    for (const [i, j] of [
      [0, 1],
      [5, 200],
      [17, 299],
    ]) {
      expect(distance(projected, i, j)).toBeCloseTo(distance(data, i, j), 9);
    }
  });
});
