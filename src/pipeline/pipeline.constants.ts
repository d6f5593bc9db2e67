import { DefaultJobOptions } from 'bullmq';
import { PIPELINE_STAGES, PipelineStage } from '../config/app-config';

export { PIPELINE_STAGES, PipelineStage };

/**
 * The pipeline in one table: the stages in order (PIPELINE_STAGES, which configuration also reads to
 * check WORKER_STAGES), each on the queue of the same name, each handing its batch to the next.
 * Everything else about stage order and queue names is derived from here.
 */
export const QueueName = {
  reception: 'reception',
  compliance: 'compliance',
  ml: 'ml',
  violation: 'violation',
  alerting: 'alerting',
  deadLetter: 'dead-letter',
} as const satisfies Record<PipelineStage, PipelineStage> & { deadLetter: string };
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/**
 * Queues outside the stage chain, worked by the modules that own the jobs. Their names are listed here,
 * beside the stage queues, so the pipeline's dashboard, metrics and operations can reach every queue
 * without importing those modules (which already depend on the pipeline for scheduling).
 */
export const BackgroundQueueName = {
  backtest: 'compliance-backtest',
  alertDelivery: 'alert-delivery',
  reports: 'reports',
  mlTraining: 'ml-training',
  maintenance: 'maintenance',
} as const;
export type BackgroundQueueName = (typeof BackgroundQueueName)[keyof typeof BackgroundQueueName];

/** The stage → next-stage chain, derived from the order. `null` ends the pipeline. */
export const NEXT_STAGE = Object.fromEntries(
  PIPELINE_STAGES.map((stage, i) => [stage, PIPELINE_STAGES[i + 1] ?? null]),
) as Record<PipelineStage, PipelineStage | null>;

/**
 * What travels between stages: the batch id only. Stages read the batch's events from
 * PostgreSQL, so a job stays a few bytes however large the batch (parsing and re-serialising
 * fat payloads at every hop was the old chain's bottleneck).
 */
export interface StageJob {
  batchId: string;
}

export interface DeadLetterJob {
  batchId: string;
  stage: PipelineStage;
  error: string;
  attemptsMade: number;
  failedAt: string;
}

/** Deterministic job ids make a re-drive of the same batch and stage a no-op while the job exists. */
export function stageJobId(batchId: string, stage: PipelineStage): string {
  return `${stage}.${batchId}`;
}

export const STAGE_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400, count: 50_000 },
};

export const DEAD_LETTER_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 1,
  removeOnComplete: false,
  removeOnFail: false,
};
