/**
 * Delivers a time-ordered stream to the ingest API as it happens: an event is released when the clock
 * reaches its release time, released events are grouped into batches (full at `batchSize`, or sent after
 * waiting `lingerMs`), and at most `maxInFlight` requests are outstanding. Throttled requests wait for
 * Retry-After, failed ones are retried with backoff (same event ids: the API deduplicates). The run stops
 * releasing at `durationMs` (or after `maxEvents`), sends the closing events, and waits at most `drainMs`
 * for the last answers. Transport and clock are injected, so the loop runs in tests without a server.
 */
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';

export interface RejectedEvent {
  index: number;
  eventId?: string;
  /** Each rejected field with its problems, as in a 400's details. */
  details: Array<{ field: string; problems: string[] }>;
}

/** The body of a 202 from POST /api/v1/events/batch. */
export interface BatchResult {
  accepted: string[];
  duplicates: string[];
  rejected: RejectedEvent[];
}

export type SendOutcome =
  | { kind: 'delivered'; result: BatchResult }
  | { kind: 'throttled'; retryAfterMs: number; message: string }
  | { kind: 'failed'; message: string; retryable: boolean; status?: number };

export interface BatchTransport {
  send(events: readonly IngestedEvent[]): Promise<SendOutcome>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Simulated time for runs without a server (dry runs, tests): a discrete-event clock. Sleepers wake in
 * order of their wake-up time, and time jumps to the next wake-up only once everything that can run has
 * run (the jump waits for setImmediate). Meant for transports that answer without real I/O.
 */
export class VirtualClock implements Clock {
  private readonly sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  private seq = 0;
  private scheduled = false;

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      let first = 0;
      for (let i = 1; i < this.sleepers.length; i++) {
        const a = this.sleepers[i];
        const b = this.sleepers[first];
        if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) first = i;
      }
      const [next] = this.sleepers.splice(first, 1);
      if (next === undefined) return;
      this.time = Math.max(this.time, next.at);
      next.wake();
      if (this.sleepers.length > 0) this.schedule();
    });
  }
}

export interface Timed {
  event: IngestedEvent;
  releaseAt: number;
}

export interface SenderOptions<T extends Timed> {
  /** The next item, in releaseAt order; undefined when the stream has ended. */
  next(): T | undefined;
  transport: BatchTransport;
  startMs: number;
  durationMs: number;
  /** Events per request (the API takes up to 1000). */
  batchSize: number;
  /** Requests outstanding at once. */
  maxInFlight: number;
  /** Longest an event waits for its batch to fill. Default 1000 ms. */
  lingerMs?: number;
  /** After the end, how long to wait for outstanding requests. Default 10 s. */
  drainMs?: number;
  /** Stop releasing after this many events (the closing events come on top). */
  maxEvents?: number;
  /** Events that end the run (answers to open requests…), asked for once, when releasing stops. */
  closing?(atMs: number): T[];
  /** Called with each batch as it is handed to the transport (first attempt only). */
  onDispatch?(batch: readonly T[]): void;
  clock?: Clock;
  /** Attempts per batch (throttling included). Default 6. */
  maxAttempts?: number;
  /** Give up after this many batches in a row failed for good. Default 3. */
  abortAfterFailedBatches?: number;
  /** Base of the exponential backoff between retries. Default 500 ms. */
  backoffMs?: number;
}

export interface SenderStats {
  /** Events handed to the transport. */
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events in batches that were answered without a verdict for them (an unexpected answer shape). */
  unconfirmed: number;
  /** Events in batches that failed for good, or were still outstanding when the drain ended. */
  undelivered: number;
  /** The first rejections, as the API explained them. */
  rejections: Array<{ eventId?: string; type?: string; details: RejectedEvent['details'] }>;
  requests: number;
  retries: number;
  throttled: number;
  failedRequests: number;
  /** The first distinct failure messages. */
  errors: string[];
  /** Set when the run gave up (e.g. the API went away). */
  aborted?: string;
  elapsedMs: number;
  /** Events sent per second of the run. */
  sentRate: number;
  /** Ids of the events the platform did not take (rejected, failed, abandoned). */
  undeliveredEventIds: string[];
}

const MAX_SAMPLES = 10;
/** Wake up at least this often while waiting, to notice the deadline. */
const MAX_WAIT_MS = 200;

export async function runSender<T extends Timed>(options: SenderOptions<T>): Promise<SenderStats> {
  const clock = options.clock ?? systemClock;
  const lingerMs = options.lingerMs ?? 1000;
  const drainMs = options.drainMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const abortAfter = options.abortAfterFailedBatches ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  const deadline = options.startMs + options.durationMs;
  if (!(options.batchSize >= 1) || !(options.maxInFlight >= 1)) {
    throw new RangeError('batchSize and maxInFlight must be at least 1');
  }
  // Released events beyond this wait in the stream instead of in memory (the API is slower than the rate).
  const maxQueued = options.batchSize * options.maxInFlight * 2;

  const stats: SenderStats = {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    unconfirmed: 0,
    undelivered: 0,
    rejections: [],
    requests: 0,
    retries: 0,
    throttled: 0,
    failedRequests: 0,
    errors: [],
    elapsedMs: 0,
    sentRate: 0,
    undeliveredEventIds: [],
  };
  const inFlight = new Map<Promise<void>, readonly T[]>();
  const pending: T[] = [];
  let released = 0;
  let lookahead = options.next();
  let ending = false;
  let failedBatchesInARow = 0;

  const noteError = (message: string) => {
    if (stats.errors.length < MAX_SAMPLES && !stats.errors.includes(message)) stats.errors.push(message);
  };
  const giveUp = (batch: readonly T[], message: string) => {
    stats.undelivered += batch.length;
    for (const item of batch) stats.undeliveredEventIds.push(item.event.eventId);
    failedBatchesInARow++;
    if (failedBatchesInARow >= abortAfter && stats.aborted === undefined) {
      stats.aborted = `${failedBatchesInARow} batches in a row failed; last error: ${message}`;
    }
  };
  const tally = (batch: readonly T[], result: BatchResult) => {
    failedBatchesInARow = 0;
    stats.accepted += result.accepted.length;
    stats.duplicates += result.duplicates.length;
    stats.rejected += result.rejected.length;
    stats.unconfirmed += Math.max(
      0,
      batch.length - result.accepted.length - result.duplicates.length - result.rejected.length,
    );
    for (const r of result.rejected) {
      const item = batch[r.index];
      const eventId = r.eventId ?? item?.event.eventId;
      if (eventId !== undefined) stats.undeliveredEventIds.push(eventId);
      if (stats.rejections.length < MAX_SAMPLES)
        stats.rejections.push({ eventId, type: item?.event.type, details: r.details });
    }
  };

  const deliver = async (batch: readonly T[]): Promise<void> => {
    const events = batch.map((item) => item.event);
    for (let attempt = 1; ; attempt++) {
      stats.requests++;
      const outcome = await options.transport.send(events);
      if (outcome.kind === 'delivered') {
        tally(batch, outcome.result);
        return;
      }
      const message = outcome.kind === 'throttled' ? `throttled: ${outcome.message}` : outcome.message;
      noteError(message);
      if (outcome.kind === 'throttled') stats.throttled++;
      else stats.failedRequests++;
      const retry =
        attempt < maxAttempts &&
        (outcome.kind === 'throttled' || outcome.retryable) &&
        stats.aborted === undefined;
      if (!retry) {
        giveUp(batch, message);
        return;
      }
      stats.retries++;
      await clock.sleep(
        outcome.kind === 'throttled'
          ? Math.min(Math.max(outcome.retryAfterMs, 100), 30_000)
          : backoffMs * 2 ** (attempt - 1),
      );
    }
  };

  const dispatch = (batch: T[]) => {
    options.onDispatch?.(batch);
    stats.sent += batch.length;
    const request: Promise<void> = deliver(batch)
      .catch((error: unknown) => {
        // A transport that throws instead of answering: count the batch as failed for good.
        const message = error instanceof Error ? error.message : String(error);
        noteError(message);
        stats.failedRequests++;
        giveUp(batch, message);
      })
      .then(() => {
        inFlight.delete(request);
      });
    inFlight.set(request, batch);
  };

  while (stats.aborted === undefined) {
    const now = clock.now();
    while (
      !ending &&
      lookahead !== undefined &&
      lookahead.releaseAt <= now &&
      lookahead.releaseAt < deadline &&
      released < maxEvents &&
      pending.length < maxQueued
    ) {
      pending.push(lookahead);
      released++;
      lookahead = options.next();
    }
    if (!ending && (now >= deadline || lookahead === undefined || released >= maxEvents)) {
      ending = true;
      if (options.closing !== undefined) pending.push(...options.closing(Math.min(now, deadline)));
    }
    while (
      pending.length > 0 &&
      inFlight.size < options.maxInFlight &&
      (ending || pending.length >= options.batchSize || now - pending[0].releaseAt >= lingerMs)
    ) {
      dispatch(pending.splice(0, options.batchSize));
    }
    if (ending && pending.length === 0) break;

    if (inFlight.size >= options.maxInFlight) {
      // Back-pressure: nothing can go out before a request comes back.
      await Promise.race([...inFlight.keys(), clock.sleep(MAX_WAIT_MS)]);
      continue;
    }
    let wakeAt = deadline;
    if (lookahead !== undefined && pending.length < maxQueued) wakeAt = Math.min(wakeAt, lookahead.releaseAt);
    if (pending.length > 0) wakeAt = Math.min(wakeAt, pending[0].releaseAt + lingerMs);
    await clock.sleep(Math.min(MAX_WAIT_MS, Math.max(1, wakeAt - now)));
  }
  const stoppedAt = clock.now();

  // Short waits only: a pending long timer would keep the process alive after the run.
  const drainUntil = clock.now() + drainMs;
  while (inFlight.size > 0 && clock.now() < drainUntil) {
    await Promise.race([...inFlight.keys(), clock.sleep(Math.min(MAX_WAIT_MS, drainUntil - clock.now()))]);
  }
  for (const batch of inFlight.values()) {
    // Still unanswered: the platform may or may not have them; the truth leaves them out.
    stats.undelivered += batch.length;
    for (const item of batch) stats.undeliveredEventIds.push(item.event.eventId);
    noteError(`${batch.length} events still unanswered after the ${drainMs} ms drain`);
  }
  stats.elapsedMs = Math.max(1, clock.now() - options.startMs);
  stats.sentRate = (stats.sent * 1000) / Math.max(1, stoppedAt - options.startMs);
  return stats;
}
