import { NumericMatrix } from './numeric-matrix';

describe('NumericMatrix', () => {
  const matrix = NumericMatrix.fromRows([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);

  it('stores rows one after another', () => {
    expect(Array.from(matrix.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(matrix.get(2, 1)).toBe(6);
    expect(Array.from(matrix.row(1))).toEqual([3, 4]);
  });

  it('copies selected rows in the order asked for', () => {
    const selected = matrix.selectRows([2, 0]);
    expect(selected.toRows()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    selected.values[0] = 99;
    expect(matrix.get(2, 0)).toBe(5);
  });

  it('refuses values that do not fit the shape', () => {
    expect(() => new NumericMatrix(2, 2, new Float64Array(3))).toThrow(RangeError);
    expect(() => NumericMatrix.fromRows([[1, 2], [3]])).toThrow(RangeError);
  });
});
