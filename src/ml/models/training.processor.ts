import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { ML_TRAINING_QUEUE, TrainingJob } from './ml-training.constants';
import { TrainingService } from './training.service';

/**
 * Runs training jobs, one at a time per worker process: a fit holds the CPU for seconds (about 2 s for
 * 100,000 snapshots), and two at once would only slow both and the stages sharing the process.
 */
@Processor(ML_TRAINING_QUEUE, { concurrency: 1, lockDuration: 120_000 })
export class TrainingProcessor extends WorkerHost {
  constructor(private readonly training: TrainingService) {
    super();
  }

  async process(job: Job<TrainingJob>): Promise<{ version: number }> {
    const runId = job.data?.runId;
    if (typeof runId !== 'string') throw new UnrecoverableError(`training job ${job.id} has no runId`);
    return this.training.train(runId);
  }
}
