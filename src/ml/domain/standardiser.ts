import { NumericMatrix } from './numeric-matrix';

export interface StandardiserJson {
  means: number[];
  scales: number[];
}

/**
 * Z-scores each column: (x - mean) / standard deviation.
 *
 * Distance-based detectors (LOF) would otherwise be dominated by whichever factor has the largest unit
 * (counts of data accesses against a 0..1 error rate). The standard deviation is the population one
 * (divide by n), as scikit-learn's StandardScaler does, so results can be compared with it; a constant
 * column gets scale 1, which maps it to zeros instead of dividing by zero.
 */
export class Standardiser {
  private constructor(
    readonly means: Float64Array,
    readonly scales: Float64Array,
  ) {}

  static fit(data: NumericMatrix): Standardiser {
    const { rowCount, columnCount, values } = data;
    if (rowCount === 0) throw new RangeError('cannot standardise an empty matrix');
    const means = new Float64Array(columnCount);
    for (let offset = 0; offset < values.length; offset += columnCount) {
      for (let column = 0; column < columnCount; column++) means[column] += values[offset + column];
    }
    for (let column = 0; column < columnCount; column++) means[column] /= rowCount;

    // Two passes (mean first, then squared deviations) avoid the cancellation of sum(x^2) - n*mean^2.
    const squaredDeviations = new Float64Array(columnCount);
    for (let offset = 0; offset < values.length; offset += columnCount) {
      for (let column = 0; column < columnCount; column++) {
        const deviation = values[offset + column] - means[column];
        squaredDeviations[column] += deviation * deviation;
      }
    }
    const scales = new Float64Array(columnCount);
    for (let column = 0; column < columnCount; column++) {
      const deviation = Math.sqrt(squaredDeviations[column] / rowCount);
      scales[column] = deviation > 0 ? deviation : 1;
    }
    return new Standardiser(means, scales);
  }

  get columnCount(): number {
    return this.means.length;
  }

  transform(data: NumericMatrix): NumericMatrix {
    this.requireColumns(data.columnCount);
    const result = new Float64Array(data.values.length);
    const columnCount = this.columnCount;
    for (let offset = 0; offset < result.length; offset += columnCount) {
      this.transformInto(data.values, offset, result, offset);
    }
    return new NumericMatrix(data.rowCount, columnCount, result);
  }

  transformRow(row: ArrayLike<number>): Float64Array {
    this.requireColumns(row.length);
    const result = new Float64Array(this.columnCount);
    this.transformInto(row, 0, result, 0);
    return result;
  }

  toJSON(): StandardiserJson {
    return { means: Array.from(this.means), scales: Array.from(this.scales) };
  }

  static fromJSON(json: StandardiserJson): Standardiser {
    if (
      !Array.isArray(json?.means) ||
      !Array.isArray(json?.scales) ||
      json.means.length !== json.scales.length
    ) {
      throw new TypeError('standardiser JSON needs means and scales of equal length');
    }
    if (json.scales.some((scale) => !(scale > 0) || !Number.isFinite(scale))) {
      throw new TypeError('standardiser scales must be positive finite numbers');
    }
    return new Standardiser(Float64Array.from(json.means), Float64Array.from(json.scales));
  }

  private transformInto(
    source: ArrayLike<number>,
    sourceOffset: number,
    target: Float64Array,
    targetOffset: number,
  ) {
    for (let column = 0; column < this.means.length; column++) {
      target[targetOffset + column] =
        (source[sourceOffset + column] - this.means[column]) / this.scales[column];
    }
  }

  private requireColumns(columnCount: number): void {
    if (columnCount !== this.columnCount) {
      throw new RangeError(`standardiser was fitted on ${this.columnCount} columns, got ${columnCount}`);
    }
  }
}
