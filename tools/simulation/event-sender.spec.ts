import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import {
  type BatchTransport,
  runSender,
  type SendOutcome,
  type SenderOptions,
  systemClock,
  type Timed,
  VirtualClock,
} from './event-sender';
import { requestsPerSecond, slotsWithin, slotTime } from './pacing';

const START = Date.parse('2026-11-27T20:00:00Z');

/** `count` events released at `rate` per second from START. */
function stream(count: number, rate: number): Timed[] {
  return Array.from({ length: count }, (_, i) => {
    const releaseAt = slotTime(START, rate, i);
    const event = {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: 'auth.logout',
      occurredAt: new Date(releaseAt).toISOString(),
      userId: `v-${i}`,
      actor: { type: 'viewer', id: `v-${i}` },
    } as IngestedEvent;
    return { event, releaseAt };
  });
}

function source(items: Timed[]): () => Timed | undefined {
  let i = 0;
  return () => items[i++];
}

const acceptAll: BatchTransport = {
  send: async (events) => ({
    kind: 'delivered',
    result: { accepted: events.map((e) => e.eventId), duplicates: [], rejected: [] },
  }),
};

function options(items: Timed[], overrides: Partial<SenderOptions<Timed>> = {}): SenderOptions<Timed> {
  return {
    next: source(items),
    transport: acceptAll,
    startMs: START,
    durationMs: 10_000,
    batchSize: 20,
    maxInFlight: 2,
    lingerMs: 1000,
    clock: new VirtualClock(START),
    ...overrides,
  };
}

describe('runSender', () => {
  it('sends each event once it is due, in batches of at most batchSize, within the linger time', async () => {
    const clock = new VirtualClock(START);
    const items = stream(600, 50); // 12 s of events for a 10 s run
    const dispatches: Array<{ at: number; batch: readonly Timed[] }> = [];
    const stats = await runSender(
      options(items, { clock, onDispatch: (batch) => dispatches.push({ at: clock.now(), batch }) }),
    );

    expect(stats.sent).toBe(500);
    expect(stats.accepted).toBe(500);
    expect(stats.requests).toBe(dispatches.length);
    expect(stats.undeliveredEventIds).toEqual([]);
    expect(stats.sentRate).toBeCloseTo(50, 0);
    for (const { at, batch } of dispatches) {
      expect(batch.length).toBeLessThanOrEqual(20);
      for (const item of batch) expect(item.releaseAt).toBeLessThanOrEqual(at);
      expect(at - batch[0].releaseAt).toBeLessThanOrEqual(1000 + 200);
    }
    const sentIds = dispatches.flatMap((d) => d.batch.map((i) => i.event.eventId));
    expect(sentIds).toEqual(items.slice(0, 500).map((i) => i.event.eventId));
  });

  it('keeps at most maxInFlight requests outstanding and falls behind rather than queueing without bound', async () => {
    jest.useFakeTimers({ now: START });
    try {
      let outstanding = 0;
      let most = 0;
      const slow: BatchTransport = {
        send: async (events) => {
          outstanding++;
          most = Math.max(most, outstanding);
          await new Promise((resolve) => setTimeout(resolve, 300));
          outstanding--;
          return {
            kind: 'delivered',
            result: { accepted: events.map((e) => e.eventId), duplicates: [], rejected: [] },
          };
        },
      };
      // 2000 events/s offered; 3 requests of 100 per 300 ms carry 1000/s.
      const running = runSender(
        options(stream(4000, 2000), {
          transport: slow,
          clock: systemClock,
          durationMs: 2000,
          batchSize: 100,
          maxInFlight: 3,
          drainMs: 2000,
        }),
      );
      await jest.advanceTimersByTimeAsync(5000);
      const stats = await running;
      expect(most).toBe(3);
      expect(stats.sent).toBeGreaterThan(1500);
      expect(stats.sent).toBeLessThan(3000);
      expect(stats.accepted).toBe(stats.sent);
    } finally {
      jest.useRealTimers();
    }
  });

  it('waits for Retry-After when throttled, then delivers the same batch', async () => {
    const answers: SendOutcome[] = [{ kind: 'throttled', retryAfterMs: 2000, message: 'too many requests' }];
    const sent: string[][] = [];
    const transport: BatchTransport = {
      send: async (events) => {
        sent.push(events.map((e) => e.eventId));
        return (
          answers.shift() ?? {
            kind: 'delivered',
            result: { accepted: events.map((e) => e.eventId), duplicates: [], rejected: [] },
          }
        );
      },
    };
    const stats = await runSender(options(stream(20, 20), { transport, durationMs: 2000 }));
    expect(stats).toMatchObject({ throttled: 1, retries: 1, accepted: 20, undelivered: 0 });
    expect(sent[1]).toEqual(sent[0]);
  });

  it('counts rejected events with their reasons and leaves them out of what was delivered', async () => {
    const transport: BatchTransport = {
      send: async (events) => ({
        kind: 'delivered',
        result: {
          accepted: events.slice(1).map((e) => e.eventId),
          duplicates: [],
          rejected: [
            {
              index: 0,
              details: [
                { field: 'occurredAt', problems: ['occurredAt must not be more than 5 minutes in the future'] },
              ],
            },
          ],
        },
      }),
    };
    const items = stream(10, 10);
    const stats = await runSender(options(items, { transport, durationMs: 1000, batchSize: 100 }));
    expect(stats).toMatchObject({ sent: 10, accepted: 9, rejected: 1 });
    expect(stats.undeliveredEventIds).toEqual([items[0].event.eventId]);
    expect(stats.rejections[0]).toMatchObject({ eventId: items[0].event.eventId, type: 'auth.logout' });
  });

  it('does not retry a refused batch, and gives up after three in a row', async () => {
    let calls = 0;
    const transport: BatchTransport = {
      send: async () => {
        calls++;
        return { kind: 'failed', message: '401: the API key was refused', retryable: false, status: 401 };
      },
    };
    const stats = await runSender(options(stream(200, 50), { transport, batchSize: 10, maxInFlight: 1 }));
    expect(calls).toBe(3);
    expect(stats.aborted).toMatch(/3 batches in a row failed.*401/);
    expect(stats.undeliveredEventIds).toHaveLength(30);
    expect(stats.errors).toEqual(['401: the API key was refused']);
  });

  it('retries a failing server with backoff', async () => {
    const answers: SendOutcome[] = [
      { kind: 'failed', message: '503: unavailable', retryable: true, status: 503 },
      { kind: 'failed', message: '503: unavailable', retryable: true, status: 503 },
    ];
    const transport: BatchTransport = {
      send: async (events) =>
        answers.shift() ?? {
          kind: 'delivered',
          result: { accepted: events.map((e) => e.eventId), duplicates: [], rejected: [] },
        },
    };
    const stats = await runSender(options(stream(5, 5), { transport, durationMs: 1000 }));
    expect(stats).toMatchObject({ failedRequests: 2, retries: 2, accepted: 5 });
  });

  it('stops releasing at the deadline or after maxEvents, then sends the closing events', async () => {
    const closing = stream(3, 1).map((item, i) => ({
      ...item,
      event: { ...item.event, eventId: `closing-${i}` },
    }));
    const dispatched: string[] = [];
    const stats = await runSender(
      options(stream(1000, 100), {
        maxEvents: 250,
        closing: () => closing,
        onDispatch: (batch) => dispatched.push(...batch.map((i) => i.event.eventId)),
      }),
    );
    expect(stats.sent).toBe(253);
    expect(dispatched.slice(-3)).toEqual(['closing-0', 'closing-1', 'closing-2']);
  });

  it('does not wait past the drain for requests that never come back', async () => {
    const hanging: BatchTransport = { send: () => new Promise<SendOutcome>(() => undefined) };
    const stats = await runSender(
      options(stream(10, 10), { transport: hanging, durationMs: 1000, drainMs: 5000, batchSize: 100 }),
    );
    expect(stats.undelivered).toBe(10);
    expect(stats.undeliveredEventIds).toHaveLength(10);
    expect(stats.errors[0]).toMatch(/unanswered after the 5000 ms drain/);
  });

  it('treats a transport that throws as a failed batch', async () => {
    const broken: BatchTransport = {
      send: async () => {
        throw new Error('socket hang up');
      },
    };
    const stats = await runSender(
      options(stream(10, 10), { transport: broken, durationMs: 1000, batchSize: 100 }),
    );
    expect(stats).toMatchObject({ undelivered: 10, failedRequests: 1 });
    expect(stats.errors).toEqual(['socket hang up']);
  });
});

describe('pacing arithmetic', () => {
  it('puts slot i in [i, i+1) / rate seconds', () => {
    expect(slotTime(START, 4, 0)).toBe(START);
    expect(slotTime(START, 4, 1)).toBe(START + 250);
    expect(slotTime(START, 4, 1, 0.999)).toBe(START + 499);
    expect(slotTime(START, 0.5, 3)).toBe(START + 6000);
  });

  it('releases rate × window events in a window, rounded up', () => {
    expect(slotsWithin(50, 1000)).toBe(50);
    expect(slotsWithin(0.5, 3000)).toBe(2);
  });

  it('makes full-batch requests at high rates and one per linger at low rates', () => {
    expect(requestsPerSecond(1000, 200, 1000)).toBe(5);
    expect(requestsPerSecond(50, 200, 1000)).toBe(1);
    expect(requestsPerSecond(0.5, 200, 1000)).toBe(0.5);
  });
});
