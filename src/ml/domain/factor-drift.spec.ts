import { driftLevel, populationStabilityIndex, proportionsIn, referenceBins } from './factor-drift';
import { SeededRandom } from './seeded-random';

describe('factor drift (PSI)', () => {
  const random = new SeededRandom(5);
  const sample = (n: number, shift = 0) =>
    Float64Array.from({ length: n }, () => (random.nextFloat() < 0.7 ? 0 : shift + random.nextFloat() * 3));

  it('bins the reference by deciles, merging the ties of a mostly-zero factor into one bin', () => {
    const bins = referenceBins(sample(10_000));
    expect(bins.edges[0]).toBe(0);
    expect(bins.proportions[0]).toBeCloseTo(0.7, 1);
    expect(bins.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(proportionsIn([0, 5], [0, 1])).toEqual([0.5, 0, 0.5]);
  });

  it('is near zero for the same distribution and large for a shifted one', () => {
    const bins = referenceBins(sample(20_000));
    const same = populationStabilityIndex(bins, sample(20_000));
    const shifted = populationStabilityIndex(bins, sample(20_000, 2));
    expect(same).toBeLessThan(0.01);
    expect(driftLevel(same)).toBe('stable');
    expect(shifted).toBeGreaterThan(0.25);
    expect(driftLevel(shifted)).toBe('shifted');
  });

  it('copes with a constant reference', () => {
    const bins = referenceBins(new Float64Array(100));
    expect(bins).toEqual({ edges: [], proportions: [1] });
    expect(populationStabilityIndex(bins, [0, 0, 1])).toBe(0);
  });
});
