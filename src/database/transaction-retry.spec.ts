import { backoffMs, isRetryable, retryTransaction, type RetryClock, type RetryPolicy } from './transaction-retry';

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

/** A clock that records the waits asked for and never waits. */
function fakeClock(random = 0.5): RetryClock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms), random: () => random };
}

/** How TypeORM wraps a driver error (QueryFailedError keeps it as driverError), and the bare one. */
const wrapped = (code: string) => Object.assign(new Error(`query failed ${code}`), { driverError: { code } });
const bare = (code: string) => Object.assign(new Error(`driver ${code}`), { code });

describe('retryTransaction', () => {
  it('runs the work once when it succeeds', async () => {
    const clock = fakeClock();
    const work = jest.fn(async () => 'done');
    await expect(retryTransaction(work, POLICY, clock)).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.waits).toEqual([]);
  });

  it.each([
    ['deadlock, wrapped by TypeORM', wrapped('40P01')],
    ['serialization failure, wrapped by TypeORM', wrapped('40001')],
    ['deadlock, bare driver error', bare('40P01')],
    ['serialization failure, bare driver error', bare('40001')],
  ])('runs the work again after a %s, until it succeeds', async (_name, error) => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retryTransaction(
      async (n) => {
        calls++;
        if (n < 3) throw error;
        return n;
      },
      POLICY,
      clock,
    );
    expect(result).toBe(3);
    expect(calls).toBe(3);
    expect(clock.waits).toHaveLength(2);
  });

  it('gives up after the bounded number of attempts and throws the last error', async () => {
    const clock = fakeClock();
    const errors = [1, 2, 3, 4, 5].map(() => wrapped('40P01'));
    const work = jest.fn(async (n: number) => {
      throw errors[n - 1];
    });
    await expect(retryTransaction(work, POLICY, clock)).rejects.toBe(errors[3]);
    expect(work).toHaveBeenCalledTimes(4);
    expect(clock.waits).toHaveLength(3);
  });

  it.each([
    ['unique violation', wrapped('23505')],
    ['lock timeout', wrapped('55P03')],
    ['plain error', new Error('boom')],
    ['thrown string', 'boom'],
  ])('does not retry a %s', async (_name, error) => {
    const clock = fakeClock();
    const work = jest.fn(async () => {
      throw error;
    });
    await expect(retryTransaction(work, POLICY, clock)).rejects.toBe(error);
    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.waits).toEqual([]);
  });

  it('runs at least once even with a policy of zero attempts', async () => {
    const work = jest.fn(async () => 1);
    await retryTransaction(work, { ...POLICY, attempts: 0 }, fakeClock());
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('waits a jittered, exponentially growing, capped time between tries', async () => {
    const clock = fakeClock(0.999999);
    await expect(
      retryTransaction(
        async () => {
          throw wrapped('40001');
        },
        { attempts: 6, baseDelayMs: 10, maxDelayMs: 50 },
        clock,
      ),
    ).rejects.toBeDefined();
    // With random just below 1 each wait is its cap: 10, 20, 40, then capped at 50.
    expect(clock.waits).toEqual([10, 20, 40, 50, 50]);
  });
});

describe('backoffMs', () => {
  it('draws uniformly between 0 and the cap', () => {
    expect(backoffMs(1, POLICY, () => 0)).toBe(0);
    expect(backoffMs(3, POLICY, () => 0.5)).toBe(20);
    expect(backoffMs(10, POLICY, () => 0.999999)).toBe(50);
  });
});

describe('isRetryable', () => {
  it('knows deadlocks and serialization failures only', () => {
    expect(isRetryable(wrapped('40P01'))).toBe(true);
    expect(isRetryable(bare('40001'))).toBe(true);
    expect(isRetryable(wrapped('40002'))).toBe(false);
    expect(isRetryable(null)).toBe(false);
    expect(isRetryable({ code: 40001 })).toBe(false);
  });
});
