import { sqlState } from './sql';

/**
 * PostgreSQL aborts a transaction with these when running it again may succeed: a deadlock (it chose
 * this transaction as the victim) and a serialization failure (a concurrent commit invalidated what
 * this one read). Every other error is the work's own and is not retried.
 */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40P01', '40001']);

export function isRetryable(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

export interface RetryPolicy {
  /** Tries in all, the first included (at least 1). */
  attempts: number;
  /** Backoff before the second try; doubles for each further one, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 200 };

/** What the retry loop needs from the outside world; tests pass their own. */
export interface RetryClock {
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const SYSTEM_CLOCK: RetryClock = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * The wait before try number `attempt + 1` (attempt ≥ 1): "full jitter", a uniform draw in
 * [0, min(max, base·2^(attempt-1))], so two transactions that deadlocked on each other do not come
 * back at the same instant and collide again.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * (cap + 1));
}

/**
 * Runs `attempt` (one whole transaction) until it succeeds, fails with an error that is not
 * retryable, or has been tried `policy.attempts` times; then the last error is thrown as is.
 * `attempt` receives the try number (1-based).
 */
export async function retryTransaction<T>(
  attempt: (tryNumber: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  clock: RetryClock = SYSTEM_CLOCK,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= attempts || !isRetryable(error)) throw error;
      await clock.sleep(backoffMs(n, policy, clock.random));
    }
  }
}
