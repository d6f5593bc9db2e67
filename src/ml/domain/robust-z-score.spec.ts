import { NumericMatrix } from './numeric-matrix';
import { RobustZScore } from './robust-z-score';

describe('RobustZScore', () => {
  it('divides the distance from the median by 1.4826 · MAD and averages over columns', () => {
    // Column values 1, 2, 3, 4, 100: median 3, absolute deviations 2, 1, 0, 1, 97 → MAD 1.
    const data = NumericMatrix.fromRows([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [100, 0],
    ]);
    const model = RobustZScore.fit(data);
    expect(model.centres[0]).toBe(3);
    expect(model.scales[0]).toBeCloseTo(1.4826, 12);
    // Column 2 is constant: it contributes 0, but still counts in the mean over the two columns.
    expect(Array.from(model.columnScores([100, 0]))).toEqual([97 / 1.4826, 0]);
    expect(model.scoreRow([100, 0])).toBeCloseTo(97 / 1.4826 / 2, 12);
  });

  it('falls back to 1.253314 · mean absolute deviation from the median when the MAD is 0', () => {
    // 0, 0, 0, 0, 10: median 0, MAD 0; mean absolute deviation (0+0+0+0+10)/5 = 2 → scale 2.506628.
    const model = RobustZScore.fit(NumericMatrix.fromRows([[0], [0], [0], [0], [10]]));
    expect(model.scales[0]).toBeCloseTo(2.506628, 6);
    expect(model.scoreRow([10])).toBeCloseTo(10 / 2.506628, 6);
    expect(model.scoreRow([0])).toBe(0);
  });

  it('uses the mean of the two middle values as the median of an even count', () => {
    const model = RobustZScore.fit(NumericMatrix.fromRows([[1], [2], [4], [10]]));
    expect(model.centres[0]).toBe(3);
  });

  it('ranks the obvious outlier first and is not dragged by it', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i % 5, (i * 7) % 11]);
    rows.push([40, 40]);
    const data = NumericMatrix.fromRows(rows);
    const model = RobustZScore.fit(data);
    const scores = model.score(data);
    expect(Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a])[0]).toBe(50);
    expect(model.centres[0]).toBe(2);
  });

  it('round-trips through JSON', () => {
    const data = NumericMatrix.fromRows([
      [1, 5],
      [2, 7],
      [9, 8],
    ]);
    const model = RobustZScore.fit(data);
    expect(RobustZScore.fromJSON(JSON.parse(JSON.stringify(model.toJSON()))).score(data)).toEqual(
      model.score(data),
    );
  });
});
