/**
 * CEL's `matches()` on RE2 semantics (re2js: a pure-JS port of RE2, linear in the input, no
 * backtracking), so no pattern a rule author writes can stall the process that evaluates it, whatever
 * the text it is matched against. JavaScript's own RegExp backtracks: `^(a+)+$` against 28 a's and a "!"
 * takes seconds, and exponentially longer per extra character.
 *
 * RE2 refuses what needs backtracking (backreferences, lookahead and lookbehind): a literal pattern is
 * checked when the rule is saved, a pattern built at evaluation time fails that evaluation only.
 */
import { RE2JS } from 're2js';

/** Longest pattern compiled (RE2 compiles in time and memory linear in the pattern's length). */
export const MAX_PATTERN_LENGTH = 1000;
/** Compiled patterns kept per process (least recently used first out). */
export const PATTERN_CACHE_SIZE = 256;

type Compiled = ReturnType<typeof RE2JS.compile>;

/** A bounded least-recently-used cache: a Map keeps insertion order, a hit is moved to the end. */
class PatternCache {
  private readonly entries = new Map<string, Compiled>();

  constructor(private readonly capacity: number) {}

  get(pattern: string): Compiled | undefined {
    const hit = this.entries.get(pattern);
    if (hit !== undefined) {
      this.entries.delete(pattern);
      this.entries.set(pattern, hit);
    }
    return hit;
  }

  set(pattern: string, compiled: Compiled): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(pattern, compiled);
  }

  get size(): number {
    return this.entries.size;
  }
}

const cache = new PatternCache(PATTERN_CACHE_SIZE);

export class InvalidPatternError extends Error {}

/** The pattern compiled with RE2 (cached), or InvalidPatternError saying why RE2 refuses it. */
export function compilePattern(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new InvalidPatternError(
      `the regular expression is ${pattern.length} characters long, at most ${MAX_PATTERN_LENGTH}`,
    );
  }
  let compiled: Compiled;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (e) {
    throw new InvalidPatternError(
      `invalid regular expression ${JSON.stringify(pattern)} (RE2 syntax: no backreferences or lookaround): ${(e as Error).message}`,
    );
  }
  cache.set(pattern, compiled);
  return compiled;
}

/** Why RE2 refuses `pattern`, or null when it compiles. */
export function patternProblem(pattern: string): string | null {
  try {
    compilePattern(pattern);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** CEL `text.matches(pattern)`: true when the pattern matches any part of the text (RE2 semantics). */
export function re2Matches(text: string, pattern: string): boolean {
  return compilePattern(pattern).matcher(text).find();
}

/** Number of compiled patterns held (for tests of the bound). */
export function cachedPatternCount(): number {
  return cache.size;
}
