import { MemoCache } from './memo-cache';

describe('MemoCache', () => {
  it('computes once per key and stays within its bound', () => {
    let calls = 0;
    const cache = new MemoCache<number>(2);
    const square = (k: string) => (calls++, Number(k) ** 2);
    expect(cache.get('3', square)).toBe(9);
    expect(cache.get('3', square)).toBe(9);
    expect(calls).toBe(1);
    cache.get('4', square);
    cache.get('5', square); // full: starts over
    expect(cache.get('3', square)).toBe(9);
    expect(calls).toBe(4);
  });
});
