import { ScoreCalibration } from './score-calibration';

describe('ScoreCalibration', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  describe('rank-based (no tail)', () => {
    const calibration = ScoreCalibration.fit(oneToHundred, { tailFraction: 0 });

    it('maps a training score to the share of training rows below it, counting itself half', () => {
      // 99 rows lie below 100: (99 + 0.5) / 100.
      expect(calibration.calibrate(100)).toBeCloseTo(0.995, 12);
      expect(calibration.calibrate(1)).toBeCloseTo(0.005, 12);
      expect(calibration.calibrate(50)).toBeCloseTo(0.495, 12);
    });

    it('interpolates between training scores and keeps rising beyond the maximum', () => {
      expect(calibration.calibrate(50.5)).toBeCloseTo(0.5, 12);
      expect(calibration.calibrate(0)).toBe(0);
      const beyond = [101, 150, 1000].map((score) => calibration.calibrate(score));
      expect(beyond[0]).toBeGreaterThan(0.995);
      expect(beyond[1]).toBeGreaterThan(beyond[0]);
      expect(beyond[2]).toBeGreaterThan(beyond[1]);
      expect(beyond[2]).toBeLessThan(1);
    });

    it('gives tied scores their mid-rank', () => {
      // Six zeros and four ones: a zero is above none and tied with six → (0 + 3) / 10.
      const tied = ScoreCalibration.fit([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], { tailFraction: 0 });
      expect(tied.calibrate(0)).toBeCloseTo(0.3, 12);
      expect(tied.calibrate(1)).toBeCloseTo(0.8, 12);
    });

    it('stays close to the exact ranks when it keeps only quantiles', () => {
      const many = Array.from({ length: 100_000 }, (_, i) => Math.sqrt(i));
      const compact = ScoreCalibration.fit(many, { maxQuantiles: 101, tailFraction: 0 });
      expect(compact.toJSON().quantiles.length).toBe(101);
      expect(compact.calibrate(Math.sqrt(25_000))).toBeCloseTo(0.25, 3);
      expect(compact.calibrate(Math.sqrt(99_000))).toBeCloseTo(0.99, 3);
    });
  });

  describe('with an exponential tail', () => {
    it('leaves the body rank-based and fits the tail from the median excess', () => {
      const calibration = ScoreCalibration.fit(oneToHundred); // top 20%: above the 80% quantile 80.2
      expect(calibration.calibrate(50)).toBeCloseTo(0.495, 12);
      const tail = calibration.toJSON().tail!;
      expect(tail.threshold).toBeCloseTo(80.2, 12);
      // Excesses 0.8, 1.8, …, 19.8: median (9.8 + 10.8) / 2 = 10.3, scale 10.3 / ln 2.
      expect(tail.scale).toBeCloseTo(10.3 / Math.LN2, 12);
      // Exponential: every scale further out, the exceedance shrinks by e.
      const exceedanceAt = (score: number) => 1 - calibration.calibrate(score);
      expect(exceedanceAt(80.2 + tail.scale) / exceedanceAt(80.2)).toBeCloseTo(Math.exp(-1), 12);
    });

    it('tells a score far beyond the others from one that merely leads them', () => {
      const ordinary = Array.from({ length: 1000 }, (_, i) => 1 + (i % 100) / 1000);
      const calibration = ScoreCalibration.fit(ordinary);
      expect(calibration.surprisal(5)).toBeGreaterThan(10 * calibration.surprisal(1.1));
      expect(Number.isFinite(calibration.surprisal(1e6))).toBe(true);
    });
  });

  it('round-trips through JSON', () => {
    const calibration = ScoreCalibration.fit([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    const restored = ScoreCalibration.fromJSON(JSON.parse(JSON.stringify(calibration.toJSON())));
    for (const score of [0, 1, 2.5, 5, 8, 20])
      expect(restored.calibrate(score)).toBe(calibration.calibrate(score));
  });

  it('refuses what it cannot calibrate', () => {
    expect(() => ScoreCalibration.fit([])).toThrow(RangeError);
    expect(() => ScoreCalibration.fit([1, NaN])).toThrow(RangeError);
    expect(() => ScoreCalibration.fit([1, 2]).calibrate(NaN)).toThrow(RangeError);
  });
});
