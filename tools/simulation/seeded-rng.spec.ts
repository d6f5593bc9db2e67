import { UUID_PATTERN } from '../../src/ingestion/domain/event-formats';
import { SeededRng } from './seeded-rng';

describe('SeededRng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const rng = new SeededRng(seed);
      return Array.from({ length: 5 }, () => rng.uint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('forks independent, reproducible streams', () => {
    const root = new SeededRng(7);
    expect(root.fork('population').float()).toBe(new SeededRng(7).fork('population').float());
    expect(root.fork('population').float()).not.toBe(root.fork('traffic').float());
  });

  it('draws within its ranges, roughly uniformly', () => {
    const rng = new SeededRng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) {
      const x = rng.int(0, 3);
      counts[x]++;
      const f = rng.float();
      expect(f >= 0 && f < 1).toBe(true);
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(rng.weightedIndex([0, 1, 0])).toBe(1);
    expect(rng.sample([1, 2, 3, 4], 10).sort()).toEqual([1, 2, 3, 4]);
  });

  it('makes version-4 UUIDs the event contract accepts', () => {
    const rng = new SeededRng(5);
    for (let i = 0; i < 100; i++) {
      const id = rng.uuid();
      expect(id).toMatch(UUID_PATTERN);
      expect(id[14]).toBe('4');
    }
  });

  it('refuses a seed that is not a non-negative safe integer', () => {
    expect(() => new SeededRng(-1)).toThrow(RangeError);
    expect(() => new SeededRng(1.5)).toThrow(RangeError);
  });
});
