/**
 * The cache's fallback while Redis is unreachable: entries with an expiry, in this process only.
 * Bounded: when full, the entries closest to expiry go first (a Map keeps insertion order, and
 * entries of one TTL class expire in that order, so the oldest insert is a good stand-in).
 */
export class MemoryStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: string, ttlSeconds: number): void {
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  incr(key: string): number {
    const next = Number(this.get(key) ?? '0') + 1;
    this.set(key, String(next), 7 * 86_400);
    return next;
  }

  /** Deletes the keys the glob matches; returns how many. */
  deleteMatching(matches: (key: string) => boolean): number {
    let deleted = 0;
    for (const key of [...this.entries.keys()]) {
      if (matches(key)) {
        this.entries.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
