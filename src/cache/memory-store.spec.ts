import { globMatcher, isValidCachePattern } from './cache-pattern';
import { MemoryStore } from './memory-store';

describe('MemoryStore', () => {
  it('expires entries after their TTL', () => {
    let now = 1_000;
    const store = new MemoryStore(10, () => now);
    store.set('a', '1', 5);
    expect(store.get('a')).toBe('1');
    now += 4_999;
    expect(store.get('a')).toBe('1');
    now += 1;
    expect(store.get('a')).toBeUndefined();
  });

  it('stays within its bound, dropping the oldest entries first', () => {
    const store = new MemoryStore(3);
    for (const key of ['a', 'b', 'c', 'd']) store.set(key, key, 60);
    expect(store.size).toBe(3);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('d')).toBe('d');
  });

  it('deletes by glob', () => {
    const store = new MemoryStore();
    for (const key of ['ott:cache:analytics:events:1', 'ott:cache:analytics:ml:1', 'ott:cache:gen:events'])
      store.set(key, 'x', 60);
    expect(store.deleteMatching(globMatcher('ott:cache:analytics:*'))).toBe(2);
    expect(store.get('ott:cache:gen:events')).toBe('x');
  });
});

describe('cache patterns', () => {
  it('accepts globs over key characters and refuses anything else', () => {
    expect(isValidCachePattern('analytics:*')).toBe(true);
    expect(isValidCachePattern('analytics:events:g?:*')).toBe(true);
    for (const bad of ['', 'analytics:[a-z]*', 'a b', 'analytics:\\*', 'x'.repeat(201)])
      expect(isValidCachePattern(bad)).toBe(false);
  });

  it('matches like Redis does for * and ?', () => {
    const match = globMatcher('analytics:ev?nts:*');
    expect(match('analytics:events:g1:abc')).toBe(true);
    expect(match('analytics:evxnts:')).toBe(true);
    expect(match('analytics:ml:g1')).toBe(false);
    expect(globMatcher('a.b*')('axb')).toBe(false);
  });
});
