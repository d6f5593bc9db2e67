/**
 * Invalidation patterns: Redis glob syntax restricted to what an operator needs (`*` and `?`)
 * over the characters cache keys are made of. Brackets, escapes and spaces are refused, so a
 * pattern can neither reach outside the cache's namespace nor be ambiguous.
 */
export const CACHE_PATTERN = /^[A-Za-z0-9:_.=\-*?]{1,200}$/;

export function isValidCachePattern(pattern: string): boolean {
  return CACHE_PATTERN.test(pattern);
}

/** The same glob as a predicate, for the in-memory fallback. */
export function globMatcher(glob: string): (key: string) => boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\=-]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (key) => regex.test(key);
}
