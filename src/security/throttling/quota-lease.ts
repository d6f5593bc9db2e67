/**
 * A per-minute quota shared by every API process, counted in Redis, without a Redis round trip per
 * request: a process leases a handful of requests at a time from the shared counter and spends them
 * locally. The lease is at most a thousandth of the quota (and a quarter of what is left), so
 *  - a quota under 1,000 a minute leases one request at a time: exactly one count per request, as
 *    before, and the limit is exact across processes;
 *  - a busy producer's quota (say 1,000,000 a minute) costs one Redis call per few hundred requests,
 *    and the requests a process leased but did not spend before the minute ended are at most a
 *    thousandth of the quota per process (counted as used: the quota is never exceeded, only
 *    under-used by that much).
 * Pure: the shared counter and the clock are given.
 */
export interface QuotaLeaseGrant {
  /** Requests granted to this process (0: the quota is used up). */
  granted: number;
  /** Milliseconds until the counter's window ends. */
  ttlMs: number;
}

/** Adds up to `maxLease` (never more than the quota has left) to the key's count in its current window. */
export type ReserveQuota = (key: string, windowMs: number, limit: number, maxLease: number) => Promise<QuotaLeaseGrant>;

export type QuotaDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Lease {
  tokens: number;
  endsAt: number;
  /** The shared counter said the quota is used up: refuse locally until the window ends. */
  exhausted?: boolean;
}

/** Leases are kept per key; past this many keys, expired leases are dropped. */
const PRUNE_ABOVE = 10_000;

export class LeasedQuota {
  private readonly leases = new Map<string, Lease>();

  constructor(
    private readonly reserve: ReserveQuota,
    private readonly now: () => number = Date.now,
  ) {}

  static maxLease(limit: number): number {
    return Math.max(1, Math.floor(limit / 1000));
  }

  async take(key: string, windowMs: number, limit: number): Promise<QuotaDecision> {
    const lease = this.leases.get(key);
    if (lease && this.now() < lease.endsAt) {
      // A refused key costs no round trip either: a flood past the quota stays in the process.
      if (lease.exhausted) return { allowed: false, retryAfterMs: lease.endsAt - this.now() };
      if (lease.tokens > 0) {
        lease.tokens--;
        return { allowed: true };
      }
    }
    const maxLease = LeasedQuota.maxLease(limit);
    const { granted, ttlMs } = await this.reserve(key, windowMs, limit, maxLease);
    const endsAt = this.now() + ttlMs;
    if (granted <= 0) {
      // A small quota stays exact, like its counting: every refusal asks the shared counter, so an
      // operator who resets the counter (or a new window) is seen at once.
      if (maxLease > 1) this.leases.set(key, { tokens: 0, endsAt, exhausted: true });
      return { allowed: false, retryAfterMs: ttlMs };
    }
    // Requests that waited on the same reservation round trip may have leased too: add up, one window.
    const current = this.leases.get(key);
    if (current && !current.exhausted && current.endsAt > this.now() && Math.abs(current.endsAt - endsAt) < 1_000) {
      current.tokens += granted - 1;
    } else {
      if (this.leases.size >= PRUNE_ABOVE) this.prune();
      this.leases.set(key, { tokens: granted - 1, endsAt });
    }
    return { allowed: true };
  }

  private prune(): void {
    const now = this.now();
    for (const [key, lease] of this.leases) if (lease.endsAt <= now || lease.tokens === 0) this.leases.delete(key);
  }
}
