/**
 * Counts over sliding time windows ("distinct viewers this staff member read in the last hour") kept as a
 * small, JSON-serialisable state of per-bucket tallies (one bucket per minute by default), so any worker
 * can load it, update it and store it again, and two partial states can be merged.
 *
 * Distinct counting without keeping a key list per bucket: each key remembers the bucket it was last seen
 * in, and each bucket counts the keys whose last sighting is in it. A window's distinct count is then the
 * sum over its buckets, exact, in O(buckets).
 */

export interface ActivityBucket {
  /** Bucket index: floor(epochMs / bucketMs). */
  b: number;
  /** Events recorded in the bucket. */
  events: number;
  /** Sum of the amounts recorded (e.g. recordCount). */
  sum: number;
  /** Keys whose latest sighting falls in this bucket. */
  distinct: number;
}

export interface WindowedActivity {
  bucketMs: number;
  /** Longest window a query may ask for; older buckets are dropped. */
  horizonMs: number;
  /** Ascending by b. */
  buckets: ActivityBucket[];
  /** key → bucket index of its latest sighting. Entries older than the horizon are garbage, compacted lazily. */
  lastSeen: Record<string, number>;
  /** Number of keys in lastSeen, and how many there were after the last compaction (amortises compaction). */
  keys: number;
  keysAfterCompaction: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function emptyWindow(horizonMs: number, bucketMs = MINUTE_MS): WindowedActivity {
  return {
    bucketMs,
    horizonMs,
    buckets: [],
    lastSeen: Object.create(null) as Record<string, number>,
    keys: 0,
    keysAfterCompaction: 0,
  };
}

export function cloneWindow(w: WindowedActivity): WindowedActivity {
  const lastSeen = Object.create(null) as Record<string, number>;
  for (const k in w.lastSeen) lastSeen[k] = w.lastSeen[k];
  return { ...w, buckets: w.buckets.map((x) => ({ ...x })), lastSeen };
}

function bucketFor(w: WindowedActivity, b: number): ActivityBucket | null {
  const list = w.buckets;
  const last = list[list.length - 1];
  if (!last || last.b < b) {
    const created = { b, events: 0, sum: 0, distinct: 0 };
    list.push(created);
    return created;
  }
  if (last.b === b) return last;
  // A late event: find or insert its bucket, unless it is already beyond the horizon.
  if (b <= last.b - Math.ceil(w.horizonMs / w.bucketMs)) return null;
  let i = list.length - 1;
  while (i >= 0 && list[i].b > b) i--;
  if (i >= 0 && list[i].b === b) return list[i];
  const created = { b, events: 0, sum: 0, distinct: 0 };
  list.splice(i + 1, 0, created);
  return created;
}

function findBucket(w: WindowedActivity, b: number): ActivityBucket | undefined {
  const list = w.buckets;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i].b === b) return list[i];
    if (list[i].b < b) return undefined;
  }
  return undefined;
}

/** Records one event in place (callers own the state: the reducer clones before it mutates). */
export function recordActivity(w: WindowedActivity, atMs: number, key: string | null, amount = 0): void {
  const b = Math.floor(atMs / w.bucketMs);
  const bucket = bucketFor(w, b);
  if (!bucket) return;
  bucket.events += 1;
  bucket.sum += amount;
  if (key !== null) {
    const previous = w.lastSeen[key];
    if (previous === undefined || previous < b) {
      if (previous !== undefined) {
        const old = findBucket(w, previous);
        if (old) old.distinct -= 1;
      } else {
        w.keys += 1;
      }
      w.lastSeen[key] = b;
      bucket.distinct += 1;
    }
  }
  prune(w, w.buckets[w.buckets.length - 1].b);
}

function prune(w: WindowedActivity, newestBucket: number): void {
  const oldestKept = newestBucket - Math.ceil(w.horizonMs / w.bucketMs);
  if (w.buckets.length > 0 && w.buckets[0].b <= oldestKept) {
    let drop = 0;
    while (drop < w.buckets.length && w.buckets[drop].b <= oldestKept) drop++;
    w.buckets.splice(0, drop);
  }
  // Drop expired keys once the map has doubled since the last compaction: amortised O(1) per event.
  if (w.keys > 2 * w.keysAfterCompaction + 64) {
    const kept = Object.create(null) as Record<string, number>;
    let count = 0;
    for (const k in w.lastSeen) {
      if (w.lastSeen[k] > oldestKept) {
        kept[k] = w.lastSeen[k];
        count++;
      }
    }
    w.lastSeen = kept;
    w.keys = count;
    w.keysAfterCompaction = count;
  }
}

function fold(
  w: WindowedActivity,
  nowMs: number,
  windowMs: number,
  pick: (x: ActivityBucket) => number,
): number {
  const nowB = Math.floor(nowMs / w.bucketMs);
  const fromB = nowB - Math.ceil(Math.min(windowMs, w.horizonMs) / w.bucketMs);
  let total = 0;
  for (let i = w.buckets.length - 1; i >= 0; i--) {
    const x = w.buckets[i];
    if (x.b <= fromB) break;
    if (x.b <= nowB) total += pick(x);
  }
  return total;
}

/** Events in the window (now − windowMs, now]. */
export function countEvents(w: WindowedActivity, nowMs: number, windowMs: number): number {
  return fold(w, nowMs, windowMs, (x) => x.events);
}

export function sumAmount(w: WindowedActivity, nowMs: number, windowMs: number): number {
  return fold(w, nowMs, windowMs, (x) => x.sum);
}

/**
 * Distinct keys whose latest sighting is in the window. Exact when `nowMs` is at or after the newest
 * recorded event (the evaluator always asks "as of" the event being evaluated).
 */
export function countDistinct(w: WindowedActivity, nowMs: number, windowMs: number): number {
  return fold(w, nowMs, windowMs, (x) => x.distinct);
}

/**
 * Combines two states built from disjoint sets of events (e.g. two workers' partial counts for one actor).
 * Event counts and sums add up per bucket; distinct counts are rebuilt from the merged key map.
 */
export function mergeWindows(a: WindowedActivity, b: WindowedActivity): WindowedActivity {
  if (a.bucketMs !== b.bucketMs) throw new Error('cannot merge windows with different bucket widths');
  const merged = emptyWindow(Math.max(a.horizonMs, b.horizonMs), a.bucketMs);
  const byBucket = new Map<number, ActivityBucket>();
  for (const x of [...a.buckets, ...b.buckets]) {
    const target = byBucket.get(x.b) ?? { b: x.b, events: 0, sum: 0, distinct: 0 };
    target.events += x.events;
    target.sum += x.sum;
    byBucket.set(x.b, target);
  }
  merged.buckets = [...byBucket.values()].sort((x, y) => x.b - y.b);
  for (const src of [a.lastSeen, b.lastSeen]) {
    for (const k in src) {
      const seen = merged.lastSeen[k];
      if (seen === undefined || seen < src[k]) merged.lastSeen[k] = src[k];
    }
  }
  for (const k in merged.lastSeen) {
    merged.keys += 1;
    const bucket = byBucket.get(merged.lastSeen[k]);
    if (bucket) bucket.distinct += 1;
  }
  if (merged.buckets.length > 0) prune(merged, merged.buckets[merged.buckets.length - 1].b);
  return merged;
}
