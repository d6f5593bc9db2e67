/**
 * Runs a script in a worker thread with a memory budget (V8 heap limits: the thread dies, not the
 * process) and a wall-clock budget (the thread is terminated, which interrupts even a synchronous loop).
 * Plain Node, no Nest: the back-test processor uses it, and unit tests drive it with tiny scripts.
 */
import { Worker } from 'node:worker_threads';

export interface ThreadBudget {
  timeMs: number;
  memoryMb: number;
}

export class ThreadBudgetExceeded extends Error {
  constructor(
    readonly resource: 'time' | 'memory',
    message: string,
  ) {
    super(message);
  }
}

export interface ThreadScript {
  /** A file path, or the source itself with `eval: true`. */
  script: string;
  eval?: boolean;
}

/**
 * Starts the script with `data` as workerData and resolves with the first message it posts. A message
 * `{ error: string }` rejects with that error; so does a thread that exits without answering.
 */
export function runInThread<T>(
  { script, eval: isEval = false }: ThreadScript,
  data: unknown,
  budget: ThreadBudget,
  label = 'the thread',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(script, {
      eval: isEval,
      workerData: data,
      resourceLimits: {
        maxOldGenerationSizeMb: budget.memoryMb,
        maxYoungGenerationSizeMb: Math.max(4, Math.min(64, Math.floor(budget.memoryMb / 8))),
      },
      stdout: false,
      stderr: false,
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      // Whatever the outcome, the thread does not outlive it (a no-op when it has exited).
      void worker.terminate();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new ThreadBudgetExceeded('time', `${label} exceeded its time budget of ${budget.timeMs} ms`)),
        ),
      budget.timeMs,
    );
    worker.on('message', (message: { result?: T; error?: string }) =>
      settle(() =>
        message && typeof message.error === 'string' ? reject(new Error(message.error)) : resolve(message.result as T),
      ),
    );
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ThreadBudgetExceeded('memory', `${label} exceeded its memory budget of ${budget.memoryMb} MB`)
            : error,
        ),
      ),
    );
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`${label} stopped (exit code ${code}) without a result`))),
    );
  });
}
