/**
 * A dense row-major matrix of doubles.
 *
 * The detectors walk hundreds of thousands of rows many times over; one flat Float64Array keeps those
 * walks free of per-row objects and lets a row be addressed by an offset instead of a copy.
 */
export class NumericMatrix {
  constructor(
    readonly rowCount: number,
    readonly columnCount: number,
    readonly values: Float64Array,
  ) {
    if (!Number.isInteger(rowCount) || rowCount < 0 || !Number.isInteger(columnCount) || columnCount < 0) {
      throw new RangeError(`matrix shape must be non-negative integers, got ${rowCount} x ${columnCount}`);
    }
    if (values.length !== rowCount * columnCount) {
      throw new RangeError(
        `matrix of ${rowCount} x ${columnCount} needs ${rowCount * columnCount} values, got ${values.length}`,
      );
    }
  }

  static zeros(rowCount: number, columnCount: number): NumericMatrix {
    return new NumericMatrix(rowCount, columnCount, new Float64Array(rowCount * columnCount));
  }

  /** Copies rows of equal length; convenient for tests and small inputs, not for hot paths. */
  static fromRows(rows: ReadonlyArray<ArrayLike<number>>): NumericMatrix {
    const columnCount = rows.length === 0 ? 0 : rows[0].length;
    const values = new Float64Array(rows.length * columnCount);
    rows.forEach((row, rowIndex) => {
      if (row.length !== columnCount) {
        throw new RangeError(`row ${rowIndex} has ${row.length} values, expected ${columnCount}`);
      }
      for (let column = 0; column < columnCount; column++)
        values[rowIndex * columnCount + column] = row[column];
    });
    return new NumericMatrix(rows.length, columnCount, values);
  }

  get(rowIndex: number, columnIndex: number): number {
    return this.values[rowIndex * this.columnCount + columnIndex];
  }

  /** A view that shares memory with the matrix: writing to it writes to the matrix. */
  row(rowIndex: number): Float64Array {
    const start = rowIndex * this.columnCount;
    return this.values.subarray(start, start + this.columnCount);
  }

  selectRows(rowIndices: ArrayLike<number>): NumericMatrix {
    const columns = this.columnCount;
    const values = new Float64Array(rowIndices.length * columns);
    for (let i = 0; i < rowIndices.length; i++) {
      const source = rowIndices[i] * columns;
      values.set(this.values.subarray(source, source + columns), i * columns);
    }
    return new NumericMatrix(rowIndices.length, columns, values);
  }

  toRows(): number[][] {
    const rows: number[][] = [];
    for (let rowIndex = 0; rowIndex < this.rowCount; rowIndex++) rows.push(Array.from(this.row(rowIndex)));
    return rows;
  }
}
