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
import { BatchStage, PipelineBatchesRepository } from './persistence/pipeline-batches.repository';
import { StageHandler } from './stage-handler';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
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

  async run(job: Job<StageJob>, stage: PipelineStage, handler: StageHandler): Promise<void> {
    const { batchId } = job.data ?? ({} as StageJob);
    if (typeof batchId !== 'string' || batchId.length === 0) {
      throw new UnrecoverableError(`job ${job.id} has no batchId`);
    }
    const next = NEXT_STAGE[stage];
    const started = performance.now();
    // A handler must never run on a batch that has not reached its stage.
    const batch = await this.batches.find(batchId);
    if (!batch) throw new UnrecoverableError(`batch ${batchId} does not exist`);
    if (!(await this.atStage(batch, stage))) return this.enqueueIfPast(batch.stage, stage, next, batchId);
    await handler.handle(batchId);
    const elapsedMs = performance.now() - started;
    const advanced = await this.batches.advance(batchId, stage, next ?? 'done', elapsedMs);
    if (advanced) {
      pipelineMetrics.stageBatchDuration.observe({ stage }, elapsedMs / 1000);
      pipelineMetrics.stageEvents.inc({ stage }, advanced.eventCount);
      if (!next) pipelineMetrics.endToEnd.observe((Date.now() - advanced.createdAt.getTime()) / 1000);
    } else {
      const now = await this.batches.find(batchId);
      if (!now) throw new UnrecoverableError(`batch ${batchId} does not exist`);
      if (!(await this.atStage(now, stage))) return this.enqueueIfPast(now.stage, stage, next, batchId);
    }
    // Also after a re-delivery (a crash between advancing and enqueueing): the deterministic
    // job id makes this a no-op if the job exists.
    if (next) await this.queues.enqueue(next, batchId);
  }

  /** true when the batch is at this stage; throws (to retry) when it has not reached it yet. */
  private async atStage(batch: { stage: BatchStage; status: string; batchId: string }, stage: PipelineStage): Promise<boolean> {
    if (batch.status === 'dead' || batch.status === 'discarded') return false;
    const position = stagePosition(batch.stage) - stagePosition(stage);
    if (position < 0) throw new Error(`batch ${batch.batchId} is still at ${batch.stage}, not ${stage}`);
    return position === 0;
  }

  private async enqueueIfPast(current: BatchStage, stage: PipelineStage, next: PipelineStage | null, batchId: string): Promise<void> {
    if (next && stagePosition(current) > stagePosition(stage)) await this.queues.enqueue(next, batchId);
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
    pipelineMetrics.batchesDeadLettered.inc({ stage });
    this.logger.warn({ batchId, stage, error: error.message }, 'batch dead-lettered');
  }
}

const ORDER: BatchStage[] = [...PIPELINE_STAGES, 'done'];

function stagePosition(stage: BatchStage): number {
  return ORDER.indexOf(stage);
}
