import { NumericMatrix } from './numeric-matrix';
import { Standardiser } from './standardiser';

describe('Standardiser', () => {
  it('z-scores each column with the population standard deviation', () => {
    // Column 1: 1, 2, 3 → mean 2, σ = sqrt(2/3). Column 2: 10, 10, 40 → mean 20, σ = sqrt(200) ≈ 14.142.
    const data = NumericMatrix.fromRows([
      [1, 10],
      [2, 10],
      [3, 40],
    ]);
    const standardiser = Standardiser.fit(data);
    const result = standardiser.transform(data);
    expect(result.get(0, 0)).toBeCloseTo(-1 / Math.sqrt(2 / 3), 12);
    expect(result.get(2, 0)).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(result.get(2, 1)).toBeCloseTo(20 / Math.sqrt(200), 12);
  });

  it('maps a constant column to zeros instead of dividing by zero', () => {
    const data = NumericMatrix.fromRows([
      [5, 1],
      [5, 2],
    ]);
    const standardiser = Standardiser.fit(data);
    expect(standardiser.scales[0]).toBe(1);
    expect(Array.from(standardiser.transformRow([5, 1.5]))).toEqual([0, 0]);
  });

  it('round-trips through JSON', () => {
    const data = NumericMatrix.fromRows([
      [0.1, 7],
      [0.4, -3],
      [0.3, 2],
    ]);
    const original = Standardiser.fit(data);
    const restored = Standardiser.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
    expect(restored.transform(data).values).toEqual(original.transform(data).values);
  });

  it('refuses rows of another width', () => {
    const standardiser = Standardiser.fit(NumericMatrix.fromRows([[1, 2]]));
    expect(() => standardiser.transformRow([1, 2, 3])).toThrow(RangeError);
  });
});
