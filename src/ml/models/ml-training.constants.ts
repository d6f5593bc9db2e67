import { DefaultJobOptions } from 'bullmq';
import { BackgroundQueueName } from '../../pipeline/pipeline.constants';

/** The queue of training jobs: one job per requested training, its id the ml_training_runs id. */
export const ML_TRAINING_QUEUE = BackgroundQueueName.mlTraining;

export interface TrainingJob {
  runId: string;
}

/**
 * Training is deterministic: a failure from the data or the parameters fails again, so one retry only
 * (for a worker that died mid-way; the run is idempotent until it commits its model).
 */
export const TRAINING_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 5_000 },
  removeOnComplete: { age: 7 * 86_400, count: 1000 },
  removeOnFail: { age: 30 * 86_400, count: 1000 },
};

/** The scheduled retraining's job name on the maintenance queue (ScheduledTasks). */
export const SCHEDULED_TRAINING_TASK = 'ml.train-candidate';
