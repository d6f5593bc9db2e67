import { NumericMatrix } from './numeric-matrix';

/** 1 / Φ⁻¹(3/4): makes the median absolute deviation estimate σ for normally distributed data. */
const MAD_TO_SIGMA = 1.4826;
/** √(π/2): makes the mean absolute deviation estimate σ for normally distributed data. */
const MEAN_ABSOLUTE_DEVIATION_TO_SIGMA = 1.253314;

export interface RobustZScoreJson {
  format: 'robust-z-score/v1';
  centres: number[];
  scales: number[];
}

/**
 * Per column |x - median| / (1.4826 · MAD); the row's score is the mean over columns.
 *
 * Median and MAD are not dragged along by the outliers they are meant to find, unlike mean and standard
 * deviation. Behavioural counts are often zero for most users, which makes the MAD zero; such a column
 * falls back to 1.253314 · (mean absolute deviation from the median), which is still positive when any
 * value differs. A column where every value is equal contributes 0: it cannot tell rows apart.
 */
export class RobustZScore {
  private constructor(
    /** Median of each column. */
    readonly centres: Float64Array,
    /** Scale of each column; 0 marks a constant column. */
    readonly scales: Float64Array,
  ) {}

  static fit(data: NumericMatrix): RobustZScore {
    const { rowCount, columnCount, values } = data;
    if (rowCount === 0) throw new RangeError('robust z-score needs at least one row');
    const centres = new Float64Array(columnCount);
    const scales = new Float64Array(columnCount);
    const column = new Float64Array(rowCount);
    const deviations = new Float64Array(rowCount);
    for (let c = 0; c < columnCount; c++) {
      for (let r = 0; r < rowCount; r++) column[r] = values[r * columnCount + c];
      const median = medianInPlace(column);
      let deviationSum = 0;
      for (let r = 0; r < rowCount; r++) {
        deviations[r] = Math.abs(column[r] - median);
        deviationSum += deviations[r];
      }
      const medianAbsoluteDeviation = medianInPlace(deviations);
      const meanAbsoluteDeviation = deviationSum / rowCount;
      centres[c] = median;
      scales[c] =
        medianAbsoluteDeviation > 0
          ? MAD_TO_SIGMA * medianAbsoluteDeviation
          : meanAbsoluteDeviation > 0
            ? MEAN_ABSOLUTE_DEVIATION_TO_SIGMA * meanAbsoluteDeviation
            : 0;
    }
    return new RobustZScore(centres, scales);
  }

  get columnCount(): number {
    return this.centres.length;
  }

  score(data: NumericMatrix): Float64Array {
    this.requireColumns(data.columnCount);
    const scores = new Float64Array(data.rowCount);
    for (let row = 0; row < data.rowCount; row++)
      scores[row] = this.scoreAt(data.values, row * data.columnCount);
    return scores;
  }

  scoreRow(row: ArrayLike<number>): number {
    this.requireColumns(row.length);
    return this.scoreAt(row, 0);
  }

  /** Each column's |x - median| / scale; the score is their mean. */
  columnScores(row: ArrayLike<number>): Float64Array {
    this.requireColumns(row.length);
    const result = new Float64Array(this.columnCount);
    for (let c = 0; c < result.length; c++) result[c] = this.columnScore(row[c], c);
    return result;
  }

  toJSON(): RobustZScoreJson {
    return {
      format: 'robust-z-score/v1',
      centres: Array.from(this.centres),
      scales: Array.from(this.scales),
    };
  }

  static fromJSON(json: RobustZScoreJson): RobustZScore {
    if (json?.format !== 'robust-z-score/v1') throw new TypeError('not a robust-z-score/v1 model');
    if (
      !Array.isArray(json.centres) ||
      !Array.isArray(json.scales) ||
      json.centres.length !== json.scales.length
    ) {
      throw new TypeError('robust z-score JSON needs centres and scales of equal length');
    }
    return new RobustZScore(Float64Array.from(json.centres), Float64Array.from(json.scales));
  }

  private scoreAt(values: ArrayLike<number>, offset: number): number {
    let total = 0;
    for (let c = 0; c < this.centres.length; c++) total += this.columnScore(values[offset + c], c);
    return this.centres.length === 0 ? 0 : total / this.centres.length;
  }

  private columnScore(value: number, column: number): number {
    const scale = this.scales[column];
    return scale > 0 ? Math.abs(value - this.centres[column]) / scale : 0;
  }

  private requireColumns(columnCount: number): void {
    if (columnCount !== this.columnCount) {
      throw new RangeError(`robust z-score was fitted on ${this.columnCount} columns, got ${columnCount}`);
    }
  }
}

/** Median of the values; sorts the array it is given (callers pass scratch copies). */
function medianInPlace(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}
