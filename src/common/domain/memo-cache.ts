/**
 * A bounded memo for pure functions of strings on hot paths (user-agent parsing, attack scans):
 * OTT traffic repeats the same user agents and titles endlessly. When full it starts over,
 * which is cheaper than LRU bookkeeping and good enough for such skewed keys.
 */
export class MemoCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, compute: (key: string) => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}
