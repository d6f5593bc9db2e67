import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import {
  DeadLetterJob,
  NEXT_STAGE,
  PIPELINE_STAGES,
  PipelineStage,
  QueueName,
  StageJob,
  stageJobId,
} from './pipeline.constants';
import { BatchStage, PipelineBatchesRepository } from './pipeline-batches.repository';
import { StageHandler } from './stage-handler';
import { StageQueues } from './stage-queues.service';

/**
 * The job → next-job chain in one place: every processor hands its job here.
 * Order matters for "lose nothing": the batch row moves on (durably) before the next job is
 * enqueued, so a job never arrives ahead of its batch; a crash in between leaves a batch whose
 * job is missing, which the recovery sweeper re-drives.
 */
@Injectable()
export class StageRunner {
  private readonly logger = new Logger(StageRunner.name);

  constructor(
    private readonly batches: PipelineBatchesRepository,
    private readonly queues: StageQueues,
    @InjectQueue(QueueName.deadLetter) private readonly deadLetter: Queue<DeadLetterJob>,
  ) {}

  async run(job: Job<StageJob>, handler: StageHandler): Promise<void> {
    const { batchId } = job.data ?? ({} as StageJob);
    if (typeof batchId !== 'string' || batchId.length === 0) {
      throw new UnrecoverableError(`job ${job.id} has no batchId`);
    }
    const batch = await this.batches.find(batchId);
    if (!batch) throw new UnrecoverableError(`batch ${batchId} does not exist`);
    if (batch.status === 'dead') return; // parked in dead-letter until an operator replays it
    const position = stagePosition(batch.stage) - stagePosition(handler.stage);
    if (position < 0) throw new Error(`batch ${batchId} is still at ${batch.stage}, not ${handler.stage}`);

    const next = NEXT_STAGE[handler.stage];
    if (position === 0) {
      const started = performance.now();
      await handler.handle(batchId);
      const advanced = await this.batches.advance(batchId, handler.stage, next ?? 'done');
      if (advanced) await this.batches.recordStageTiming(handler.stage, batch.eventCount, performance.now() - started);
    }
    // Also when the batch had already moved on (a re-delivery after a crash between advancing
    // and enqueueing): the deterministic job id makes this a no-op if the job exists.
    if (next) await this.queues.enqueue(next, batchId);
  }

  /** Called when a job has failed for the last time: the batch goes to dead-letter with its error. */
  async onFailed(stage: PipelineStage, job: Job<StageJob> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const exhausted = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!exhausted) return;
    const batchId = job.data?.batchId;
    if (typeof batchId !== 'string') return;
    await this.deadLetter.add(
      'dead-batch',
      { batchId, stage, error: error.message, attemptsMade: job.attemptsMade, failedAt: new Date().toISOString() },
      { jobId: `dead.${stageJobId(batchId, stage)}` },
    );
    await this.batches.markDead(batchId, stage, error.message);
    this.logger.warn({ batchId, stage, error: error.message }, 'batch dead-lettered');
  }
}

const ORDER: BatchStage[] = [...PIPELINE_STAGES, 'done'];

function stagePosition(stage: BatchStage): number {
  return ORDER.indexOf(stage);
}
