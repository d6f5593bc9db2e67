import { runInThread, ThreadBudgetExceeded } from './thread-runner';

const budget = { timeMs: 5000, memoryMb: 64 };
const script = (source: string) => ({ script: source, eval: true });

describe('runInThread', () => {
  it('resolves with what the thread posts, given its data', async () => {
    const doubled = await runInThread<number>(
      script(`const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage({ result: workerData * 2 });`),
      21,
      budget,
    );
    expect(doubled).toBe(42);
  });

  it('terminates a thread that runs past its time budget, even a busy loop, and says so', async () => {
    const run = runInThread(script('for (;;) {}'), null, { timeMs: 300, memoryMb: 64 }, 'backtest');
    await expect(run).rejects.toThrow(new ThreadBudgetExceeded('time', 'backtest exceeded its time budget of 300 ms'));
    await expect(run).rejects.toMatchObject({ resource: 'time' });
  });

  it('stops a thread that allocates past its memory budget, and this process carries on', async () => {
    const run = runInThread(
      script('const keep = []; for (;;) keep.push(new Array(100000).fill(Math.random()));'),
      null,
      { timeMs: 60_000, memoryMb: 32 },
      'backtest',
    );
    await expect(run).rejects.toThrow('backtest exceeded its memory budget of 32 MB');
    await expect(run).rejects.toMatchObject({ resource: 'memory' });
  });

  it("rejects with the thread's own error message", async () => {
    const run = runInThread(
      script(`require('node:worker_threads').parentPort.postMessage({ error: 'the draft is broken' });`),
      null,
      budget,
    );
    await expect(run).rejects.toThrow('the draft is broken');
  });
});
