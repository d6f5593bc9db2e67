import { LeasedQuota, QuotaLeaseGrant } from './quota-lease';

/** A shared counter as Redis keeps it (see RedisThrottlerStorage.reserveQuota), in memory. */
function sharedCounter(now: () => number) {
  const counts = new Map<string, { used: number; endsAt: number }>();
  const calls = { n: 0 };
  const reserve = async (key: string, windowMs: number, limit: number, maxLease: number): Promise<QuotaLeaseGrant> => {
    calls.n++;
    let entry = counts.get(key);
    if (!entry || entry.endsAt <= now()) counts.set(key, (entry = { used: 0, endsAt: now() + windowMs }));
    const remaining = limit - entry.used;
    const granted = remaining > 0 ? Math.max(1, Math.min(maxLease, Math.floor(remaining / 4))) : 0;
    entry.used += granted;
    return { granted, ttlMs: entry.endsAt - now() };
  };
  return { reserve, calls, counts };
}

describe('LeasedQuota', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('counts every request in the shared counter when the quota is small (exact across processes)', async () => {
    const shared = sharedCounter(now);
    const a = new LeasedQuota(shared.reserve, now);
    const b = new LeasedQuota(shared.reserve, now);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 122; i++) outcomes.push((await (i % 2 ? a : b).take('k', 60_000, 120)).allowed);
    expect(outcomes.slice(0, 120).every(Boolean)).toBe(true);
    expect(outcomes.slice(120)).toEqual([false, false]);
    expect(shared.calls.n).toBe(122);
  });

  it('spends leases locally for a large quota: one shared call per lease, never past the quota', async () => {
    const shared = sharedCounter(now);
    const a = new LeasedQuota(shared.reserve, now);
    const b = new LeasedQuota(shared.reserve, now);
    let allowed = 0;
    for (let i = 0; i < 1_100_000; i++) if ((await (i % 2 ? a : b).take('k', 60_000, 1_000_000)).allowed) allowed++;
    expect(shared.counts.get('k')!.used).toBeLessThanOrEqual(1_000_000);
    // At most one lease per process (a thousandth of the quota) is left unspent when the quota runs out.
    expect(allowed).toBeGreaterThanOrEqual(1_000_000 - 2 * 1_000);
    expect(shared.calls.n).toBeLessThan(20_000);
  });

  it('answers a refusal with the time until the window ends, and starts afresh in the next window', async () => {
    const shared = sharedCounter(now);
    const q = new LeasedQuota(shared.reserve, now);
    for (let i = 0; i < 3; i++) expect((await q.take('k', 60_000, 3)).allowed).toBe(true);
    clock += 15_000;
    expect(await q.take('k', 60_000, 3)).toEqual({ allowed: false, retryAfterMs: 45_000 });
    clock += 45_000;
    expect((await q.take('k', 60_000, 3)).allowed).toBe(true);
  });

  it('does not spend a lease after its window ended', async () => {
    const shared = sharedCounter(now);
    const q = new LeasedQuota(shared.reserve, now);
    expect((await q.take('k', 60_000, 100_000)).allowed).toBe(true); // leases 100, keeps 99
    clock += 60_000;
    const before = shared.calls.n;
    expect((await q.take('k', 60_000, 100_000)).allowed).toBe(true);
    expect(shared.calls.n).toBe(before + 1);
  });

  it('keeps keys apart', async () => {
    const shared = sharedCounter(now);
    const q = new LeasedQuota(shared.reserve, now);
    expect((await q.take('a', 60_000, 1)).allowed).toBe(true);
    expect((await q.take('a', 60_000, 1)).allowed).toBe(false);
    expect((await q.take('b', 60_000, 1)).allowed).toBe(true);
  });
});
