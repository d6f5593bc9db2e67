import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { PipelineStage, StageJob } from '../pipeline.constants';
import { StageHandlers } from '../stage-handler';
import { StageRunner } from '../stage-runner.service';

/**
 * Worker lock settings of every stage: a killed worker's job is back in the queue within
 * about lockDuration + stalledInterval (30 s), while a live worker renews its lock every 7.5 s.
 */
export const STAGE_WORKER_OPTIONS = { lockDuration: 15_000, stalledInterval: 15_000, maxStalledCount: 3 };

/** Shared glue of the five stage processors: check, delegate, return. */
export abstract class StageProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected constructor(
    private readonly stage: PipelineStage,
    private readonly runner: StageRunner,
    private readonly handlers: StageHandlers,
    private readonly concurrency: number,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.concurrency;
  }

  async process(job: Job<StageJob>): Promise<void> {
    await this.runner.run(job, this.handlers.for(this.stage));
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<StageJob> | undefined, error: Error): Promise<void> {
    await this.runner.onFailed(this.stage, job, error);
  }
}
