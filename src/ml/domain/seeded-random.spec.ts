import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  const draw = (random: SeededRandom, count: number) =>
    Array.from({ length: count }, () => random.nextUint32());

  it('repeats the same sequence for the same seed', () => {
    expect(draw(new SeededRandom(42), 20)).toEqual(draw(new SeededRandom(42), 20));
  });

  it('gives unrelated sequences for neighbouring seeds, including seeds above 2^32', () => {
    const sequences = [0, 1, 2, 2 ** 32, 2 ** 32 + 1].map((seed) =>
      draw(new SeededRandom(seed), 8).join(','),
    );
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it('draws floats in [0, 1) with a mean near one half', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 100_000 }, () => random.nextFloat());
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(0.5, 2);
  });

  it('draws every integer below the bound about equally often', () => {
    const random = new SeededRandom(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[random.nextInt(6)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('draws standard normal values', () => {
    const random = new SeededRandom(11);
    const values = Array.from({ length: 50_000 }, () => random.nextNormal());
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('samples distinct indices without replacement, each index equally likely', () => {
    const random = new SeededRandom(5);
    const hits = new Array(10).fill(0);
    for (let trial = 0; trial < 5_000; trial++) {
      const sample = random.sampleWithoutReplacement(10, 4);
      if (new Set(sample).size !== 4) throw new Error(`repeated index in ${sample.join(',')}`);
      for (const index of sample) hits[index]++;
    }
    // Each index is in a sample of 4 out of 10 with probability 0.4: 2,000 of 5,000 trials.
    for (const count of hits) expect(Math.abs(count - 2_000)).toBeLessThan(150);
  });

  it('can sample the whole population, which is a permutation', () => {
    const sample = Array.from(new SeededRandom(9).sampleWithoutReplacement(50, 50)).sort((a, b) => a - b);
    expect(sample).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('rejects seeds and bounds it cannot honour', () => {
    expect(() => new SeededRandom(-1)).toThrow(RangeError);
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
    expect(() => new SeededRandom(1).nextInt(0)).toThrow(RangeError);
    expect(() => new SeededRandom(1).sampleWithoutReplacement(3, 4)).toThrow(RangeError);
  });
});
