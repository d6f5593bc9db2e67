/**
 * Pacing arithmetic shared by the generator and the sender. A run at `rate` events a second has one slot
 * per event; slot i lies in [i, i + 1) / rate seconds after the start (where in it is the jitter, 0-1), so
 * over any window the count is within one of rate × window, and the stream never bunches up.
 */

/** Time of slot `index` (milliseconds since the epoch), `jitter` in [0, 1). */
export function slotTime(startMs: number, rate: number, index: number, jitter = 0): number {
  return startMs + Math.floor(((index + jitter) * 1000) / rate);
}

/** Slots in [startMs, startMs + windowMs): how many events a run releases in that window. */
export function slotsWithin(rate: number, windowMs: number): number {
  return Math.ceil((rate * windowMs) / 1000);
}

/**
 * Requests a second once a run is steady: full batches when rate × linger fills one, otherwise one batch
 * per linger period (never more requests than events).
 */
export function requestsPerSecond(rate: number, batchSize: number, lingerMs: number): number {
  return Math.max(rate / batchSize, Math.min(rate, 1000 / lingerMs));
}
