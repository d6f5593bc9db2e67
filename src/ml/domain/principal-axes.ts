import { NumericMatrix } from './numeric-matrix';

/**
 * The principal axes of a data set: an orthonormal basis ordered by decreasing variance along each axis.
 *
 * Rotating onto it keeps every Euclidean distance (up to rounding) while lining the coordinates up with
 * the directions the data actually spreads in. Real risk factors are correlated, so the data fills a
 * thin, tilted slab; a k-d tree cutting along the raw axes gets boxes that are mostly empty space, while
 * along the principal axes its cuts follow the data, and a distance summed coordinate by coordinate
 * passes the "already too far" bound after the first few, high-variance, coordinates.
 */
export class PrincipalAxes {
  private constructor(
    readonly mean: Float64Array,
    /** Row-major d x d; row a is the a-th axis (unit vector), by decreasing variance. */
    readonly axes: Float64Array,
    readonly variances: Float64Array,
  ) {}

  static fit(data: NumericMatrix): PrincipalAxes {
    const { rowCount, columnCount: d, values } = data;
    const mean = new Float64Array(d);
    for (let offset = 0; offset < values.length; offset += d) {
      for (let c = 0; c < d; c++) mean[c] += values[offset + c];
    }
    for (let c = 0; c < d; c++) mean[c] /= Math.max(rowCount, 1);

    const covariance = new Float64Array(d * d);
    const centred = new Float64Array(d);
    for (let offset = 0; offset < values.length; offset += d) {
      for (let c = 0; c < d; c++) centred[c] = values[offset + c] - mean[c];
      for (let a = 0; a < d; a++) {
        const scaled = centred[a];
        for (let b = a; b < d; b++) covariance[a * d + b] += scaled * centred[b];
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) covariance[a * d + b] = covariance[b * d + a];

    const { eigenvalues, eigenvectors } = symmetricEigen(covariance, d);
    const order = Array.from({ length: d }, (_, i) => i).sort(
      (i, j) => eigenvalues[j] - eigenvalues[i] || i - j,
    );
    const axes = new Float64Array(d * d);
    const variances = new Float64Array(d);
    order.forEach((source, target) => {
      variances[target] = eigenvalues[source] / Math.max(rowCount, 1);
      for (let c = 0; c < d; c++) axes[target * d + c] = eigenvectors[c * d + source];
    });
    return new PrincipalAxes(mean, axes, variances);
  }

  get columnCount(): number {
    return this.mean.length;
  }

  /** Coordinates of every row along the axes (centred on the mean). */
  project(data: NumericMatrix): NumericMatrix {
    const d = this.columnCount;
    const result = new Float64Array(data.values.length);
    for (let offset = 0; offset < result.length; offset += d)
      this.projectInto(data.values, offset, result, offset);
    return new NumericMatrix(data.rowCount, d, result);
  }

  projectInto(
    source: ArrayLike<number>,
    sourceOffset: number,
    target: Float64Array,
    targetOffset: number,
  ): void {
    const d = this.columnCount;
    for (let a = 0; a < d; a++) {
      let sum = 0;
      const axis = a * d;
      for (let c = 0; c < d; c++) sum += (source[sourceOffset + c] - this.mean[c]) * this.axes[axis + c];
      target[targetOffset + a] = sum;
    }
  }
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: slow for large d (O(d^3) per
 * sweep) but simple, unconditionally stable and accurate, and the matrices here are a few dozen wide.
 * Returns eigenvalues and the eigenvectors as columns of a row-major d x d matrix.
 */
export function symmetricEigen(
  matrix: Float64Array,
  d: number,
): { eigenvalues: Float64Array; eigenvectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const vectors = new Float64Array(d * d);
  for (let i = 0; i < d; i++) vectors[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let diagonal = 0;
    for (let p = 0; p < d; p++) {
      diagonal += a[p * d + p] * a[p * d + p];
      for (let q = p + 1; q < d; q++) offDiagonal += a[p * d + q] * a[p * d + q];
    }
    if (offDiagonal <= 1e-30 * diagonal || offDiagonal === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q] (Golub & Van Loan, symmetric Schur decomposition).
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = cos * akp - sin * akq;
          a[k * d + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = cos * apk - sin * aqk;
          a[q * d + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = vectors[k * d + p];
          const vkq = vectors[k * d + q];
          vectors[k * d + p] = cos * vkp - sin * vkq;
          vectors[k * d + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  const eigenvalues = new Float64Array(d);
  for (let i = 0; i < d; i++) eigenvalues[i] = a[i * d + i];
  return { eigenvalues, eigenvectors: vectors };
}
