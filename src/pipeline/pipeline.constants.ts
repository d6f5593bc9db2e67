import { DefaultJobOptions } from 'bullmq';
import { PIPELINE_STAGES, PipelineStage } from '../config/app-config';

export { PIPELINE_STAGES, PipelineStage };

/** Every queue of the product: one per stage, plus where exhausted batches land. */
export const QueueName = {
  reception: 'reception',
  compliance: 'compliance',
  ml: 'ml',
  violation: 'violation',
  alerting: 'alerting',
  deadLetter: 'dead-letter',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/** The stage → next-stage chain, declared once. `null` ends the pipeline. */
export const NEXT_STAGE: Record<PipelineStage, PipelineStage | null> = {
  reception: 'compliance',
  compliance: 'ml',
  ml: 'violation',
  violation: 'alerting',
  alerting: null,
};

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
