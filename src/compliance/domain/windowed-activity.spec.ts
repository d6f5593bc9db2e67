import {
  countDistinct,
  countEvents,
  emptyWindow,
  HOUR_MS,
  mergeWindows,
  MINUTE_MS,
  recordActivity,
  sumAmount,
} from './windowed-activity';

const T = Date.parse('2026-05-04T10:00:00Z');

describe('WindowedActivity', () => {
  it('counts events, sums and distinct keys over a sliding window', () => {
    const w = emptyWindow(HOUR_MS);
    recordActivity(w, T, 'v-1', 10);
    recordActivity(w, T + 5 * MINUTE_MS, 'v-2', 5);
    recordActivity(w, T + 30 * MINUTE_MS, 'v-1', 1); // v-1 again: still one distinct key
    const now = T + 30 * MINUTE_MS;
    expect(countEvents(w, now, HOUR_MS)).toBe(3);
    expect(sumAmount(w, now, HOUR_MS)).toBe(16);
    expect(countDistinct(w, now, HOUR_MS)).toBe(2);
    // Last 10 minutes: only v-1's latest sighting.
    expect(countDistinct(w, now, 10 * MINUTE_MS)).toBe(1);
    expect(countEvents(w, now, 10 * MINUTE_MS)).toBe(1);
  });

  it('forgets what falls out of the horizon', () => {
    const w = emptyWindow(HOUR_MS);
    recordActivity(w, T, 'v-1');
    recordActivity(w, T + 2 * HOUR_MS, 'v-2');
    expect(w.buckets).toHaveLength(1);
    expect(countDistinct(w, T + 2 * HOUR_MS, HOUR_MS)).toBe(1);
  });

  it('compacts the key map when expired keys pile up', () => {
    const w = emptyWindow(HOUR_MS);
    for (let i = 0; i < 500; i++) recordActivity(w, T, `old-${i}`);
    for (let i = 0; i < 1000; i++) recordActivity(w, T + 3 * HOUR_MS, `new-${i}`);
    expect(Object.keys(w.lastSeen).every((k) => k.startsWith('new-'))).toBe(true);
    expect(w.keys).toBe(1000);
  });

  it('places a late event in its own bucket', () => {
    const w = emptyWindow(HOUR_MS);
    recordActivity(w, T + 10 * MINUTE_MS, 'v-1');
    recordActivity(w, T, 'v-2');
    expect(w.buckets.map((b) => b.b)).toEqual([T / MINUTE_MS, T / MINUTE_MS + 10]);
    expect(countDistinct(w, T + 10 * MINUTE_MS, HOUR_MS)).toBe(2);
  });

  it('merges two partial states into the state of all events', () => {
    const a = emptyWindow(HOUR_MS);
    const b = emptyWindow(HOUR_MS);
    const all = emptyWindow(HOUR_MS);
    const events: Array<[number, string, number]> = [
      [T, 'v-1', 1],
      [T + MINUTE_MS, 'v-2', 2],
      [T + 2 * MINUTE_MS, 'v-1', 3],
      [T + 3 * MINUTE_MS, 'v-3', 4],
    ];
    events.forEach(([t, k, n], i) => {
      recordActivity(i % 2 ? a : b, t, k, n);
      recordActivity(all, t, k, n);
    });
    const merged = mergeWindows(a, b);
    const now = T + 3 * MINUTE_MS;
    expect(countDistinct(merged, now, HOUR_MS)).toBe(countDistinct(all, now, HOUR_MS));
    expect(sumAmount(merged, now, HOUR_MS)).toBe(10);
    expect(countEvents(merged, now, HOUR_MS)).toBe(4);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(JSON.parse(JSON.stringify(all)));
  });
});
