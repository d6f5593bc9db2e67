import type { DefaultJobOptions } from 'bullmq';
import { BackgroundQueueName } from '../../pipeline/pipeline.constants';

/** Back-tests run on this queue, worked only where APP_ROLE runs workers (never in the API process). */
export const BACKTEST_QUEUE = BackgroundQueueName.backtest;

/** The job carries the run id only; the request (draft, range) is the stored run. */
export interface BacktestJob {
  runId: string;
}

/**
 * One attempt: a back-test that ran out of its time or memory budget would do so again, and a retry
 * storm of hostile drafts is what the budgets are there to prevent. The run row records the outcome.
 */
export const BACKTEST_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 1,
  removeOnComplete: { age: 86_400, count: 1000 },
  removeOnFail: { age: 7 * 86_400, count: 1000 },
};
