import { FactorTail, PopulationBaseline, PopulationCalibration } from './population-baseline';
import { FACTOR_NAMES, RiskFactors } from './risk-factors';

const zero: RiskFactors = {
  consentChurn: 0,
  complianceFindings: 0,
  dataAccess: 0,
  authFailures: 0,
  geoMovement: 0,
  errorRate: 0,
};
const row = (factors: Partial<RiskFactors>) => FACTOR_NAMES.map((name) => ({ ...zero, ...factors })[name]);

describe('FactorTail', () => {
  it('reads the body from mid-ranks: a value shared by everyone is at the median (surprisal ln 2)', () => {
    const tail = FactorTail.fit(new Float64Array(100), 1);
    expect(tail.surprisal(0)).toBeCloseTo(Math.LN2, 12);
    // one unit above everyone halves the odds, two units quarter them
    expect(tail.surprisal(1) - tail.surprisal(0)).toBeCloseTo(Math.LN2, 12);
    expect(tail.surprisal(2) - tail.surprisal(0)).toBeCloseTo(2 * Math.LN2, 12);
  });

  it('is not widened by the few outliers above a threshold most viewers share', () => {
    // 396 viewers at zero, four impossible travellers: the scale must come from the zeros' side.
    const values = [...new Array(396).fill(0), 43, 43, 93, 114];
    const tail = FactorTail.fit(values, 1);
    expect(tail.surprisal(43)).toBeGreaterThan(25);
    expect(tail.surprisal(1)).toBeLessThan(2.5);
  });

  it('takes its scale from the population where the population spreads', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i % 100); // uniform 0..99
    const tail = FactorTail.fit(values, 1);
    // the 80th percentile is about 80; a value at 99 is only a few times rarer
    expect(tail.surprisal(99)).toBeLessThan(4);
    expect(tail.surprisal(50)).toBeCloseTo(-Math.log(0.495), 1);
    expect(Number.isFinite(tail.surprisal(1e9))).toBe(true);
  });
});

describe('PopulationCalibration', () => {
  const population = Array.from({ length: 200 }, (_, i) =>
    row({ dataAccess: i % 8, authFailures: i % 10 === 0 ? 1 : 0 }),
  );

  it('gives what the population does a low risk, and a viewer far beyond it a risk near 1 explained by that factor', () => {
    const calibration = PopulationCalibration.fit(population);
    // below 0.5: the viewer's standing in the population, never a tier above low
    const ordinary = calibration.score({ ...zero, dataAccess: 7 }).risk;
    expect(ordinary).toBeLessThan(0.5);
    expect(calibration.score({ ...zero, dataAccess: 2 }).risk).toBeLessThan(ordinary);
    const attacked = calibration.score({ ...zero, dataAccess: 3, authFailures: 25 });
    expect(attacked.risk).toBeGreaterThan(0.99);
    const top = [...attacked.factors].sort((a, b) => b.share - a.share)[0];
    expect(top.factor).toBe('authFailures');
    expect(attacked.factors.reduce((sum, f) => sum + f.contribution, 0)).toBeCloseTo(attacked.risk, 12);
  });

  it('asks more of a viewer in a larger population (the bar is the whole population, not a percentile)', () => {
    const small = PopulationCalibration.fit(population);
    const large = PopulationCalibration.fit([
      ...population,
      ...population,
      ...population,
      ...population,
      ...population,
    ]);
    const viewer = { ...zero, authFailures: 14 };
    expect(small.score(viewer).risk).toBeGreaterThan(0.95);
    expect(large.score(viewer).risk).toBeLessThan(small.score(viewer).risk);
  });

  it('gives an all-zero viewer in an all-zero population a median standing and no explanation, with finite numbers', () => {
    const calibration = PopulationCalibration.fit(Array.from({ length: 60 }, () => row({})));
    const score = calibration.score(zero);
    expect(score.risk).toBeCloseTo(0.25, 12); // ½ · (1 - ½): at the median
    expect(score.factors.every((f) => f.contribution === 0)).toBe(true);
    expect(score.factors.every((f) => f.share === 0)).toBe(true);
    expect(score.surprisals.every(Number.isFinite)).toBe(true);
  });
});

describe('PopulationBaseline', () => {
  it('has no calibration until minViewers viewers were seen, and counts a viewer once', () => {
    const baseline = new PopulationBaseline({ minViewers: 3, maxViewers: 10 });
    baseline.observe('a', zero);
    baseline.observe('a', { ...zero, dataAccess: 2 });
    baseline.observe('b', zero);
    expect(baseline.size).toBe(2);
    expect(baseline.calibration()).toBeNull();
    baseline.observe('c', zero);
    expect(baseline.calibration()?.size).toBe(3);
  });

  it('forgets the least recently seen viewer beyond maxViewers', () => {
    const baseline = new PopulationBaseline({ minViewers: 2, maxViewers: 3 });
    for (const id of ['a', 'b', 'c']) baseline.observe(id, zero);
    baseline.observe('a', zero); // seen again: now the most recent
    baseline.observe('d', zero);
    expect(baseline.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].filter((id) => baseline.has(id))).toEqual(['a', 'c', 'd']);
  });

  it('refuses impossible sizes', () => {
    expect(() => new PopulationBaseline({ minViewers: 1 })).toThrow(RangeError);
    expect(() => new PopulationBaseline({ minViewers: 10, maxViewers: 5 })).toThrow(RangeError);
  });
});
