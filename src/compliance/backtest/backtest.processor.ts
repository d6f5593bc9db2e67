import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { BacktestRuns } from './backtest-runs.service';
import { BACKTEST_QUEUE, type BacktestJob } from './backtest.constants';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One back-test at a time per worker: each runs in its own thread with its own heap budget, and a
 * worker should not hold several of those at once. The lock outlasts the longest time budget allowed.
 */
@Processor(BACKTEST_QUEUE, { concurrency: 1, lockDuration: 120_000 })
export class BacktestProcessor extends WorkerHost {
  private readonly logger = new Logger(BacktestProcessor.name);

  constructor(private readonly runs: BacktestRuns) {
    super();
  }

  async process(job: Job<BacktestJob>): Promise<{ state: string | null }> {
    const id = job.data?.runId;
    if (typeof id !== 'string' || !UUID.test(id)) throw new UnrecoverableError(`job ${job.id} has no run id`);
    return { state: await this.runs.execute(id) };
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<BacktestJob> | undefined, error: Error): Promise<void> {
    const id = job?.data?.runId;
    if (typeof id !== 'string' || !UUID.test(id)) return;
    this.logger.warn({ runId: id, error: error.message }, 'back-test job failed');
    await this.runs.markFailed(id, error.message).catch(() => undefined);
  }
}
