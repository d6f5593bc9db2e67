const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * Deterministic pseudo-random numbers: xoshiro128** (Blackman & Vigna), seeded through SplitMix32.
 *
 * Math.random cannot be seeded, and a stored model must be reproducible: the same rows and the same seed
 * must give the same trees and therefore the same scores on every machine. xoshiro128** is small, fast in
 * 32-bit integer arithmetic (which is what JavaScript does exactly) and statistically far better than an
 * LCG; SplitMix32 spreads nearby seeds (0, 1, 2 …) into unrelated states.
 */
export class SeededRandom {
  private state0 = 0;
  private state1 = 0;
  private state2 = 0;
  private state3 = 0;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    // Both halves of a 53-bit seed feed the state, so seeds that differ only above bit 32 still differ.
    let mixer = (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32) >>> 0, 0x9e3779b1);
    const nextSeedWord = (): number => {
      mixer = (mixer + 0x9e3779b9) | 0;
      let z = mixer;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.state0 = nextSeedWord();
    this.state1 = nextSeedWord();
    this.state2 = nextSeedWord();
    this.state3 = nextSeedWord();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.state1, 5), 7), 9) >>> 0;
    const shifted = this.state1 << 9;
    this.state2 ^= this.state0;
    this.state3 ^= this.state1;
    this.state1 ^= this.state2;
    this.state0 ^= this.state3;
    this.state2 ^= shifted;
    this.state3 = rotateLeft(this.state3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with all 53 bits of mantissa random. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Standard normal (mean 0, variance 1), by the Box–Muller transform; one draw pair per value, for simplicity. */
  nextNormal(): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextFloat())); // 1 - u is in (0, 1]: no log(0)
    return radius * Math.cos(2 * Math.PI * this.nextFloat());
  }

  /** Uniform integer in [0, bound), without the modulo bias of `nextUint32() % bound`. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > TWO_POW_32) {
      throw new RangeError(`bound must be an integer in [1, 2^32], got ${bound}`);
    }
    const unbiasedLimit = TWO_POW_32 - (TWO_POW_32 % bound);
    for (;;) {
      const candidate = this.nextUint32();
      if (candidate < unbiasedLimit) return candidate % bound;
    }
  }

  /**
   * `sampleSize` distinct integers from [0, populationSize), uniformly, in random order.
   *
   * A partial Fisher–Yates shuffle that remembers only the swapped positions, so drawing 256 rows out of
   * a million costs 256 steps and no million-element scratch array.
   */
  sampleWithoutReplacement(populationSize: number, sampleSize: number): Int32Array {
    if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > populationSize) {
      throw new RangeError(`cannot draw ${sampleSize} distinct items out of ${populationSize}`);
    }
    const sample = new Int32Array(sampleSize);
    const displaced = new Map<number, number>();
    for (let position = 0; position < sampleSize; position++) {
      const chosen = position + this.nextInt(populationSize - position);
      sample[position] = displaced.get(chosen) ?? chosen;
      displaced.set(chosen, displaced.get(position) ?? position);
    }
    return sample;
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
