import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap, Type } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { PIPELINE_STAGES, PipelineStage, StageJob } from '../pipeline.constants';
import { StageHandlers } from '../stage-handler';
import { StageRunner } from '../stage-runner.service';

/**
 * Worker lock settings of every stage: a killed worker's job is back in the queue within
 * about lockDuration + stalledInterval (30 s), while a live worker renews its lock every 7.5 s.
 */
export const STAGE_WORKER_OPTIONS = { lockDuration: 15_000, stalledInterval: 15_000, maxStalledCount: 3 };

/** Shared glue of the stage processors: check, delegate to the stage's handler, return. */
abstract class StageProcessor extends WorkerHost implements OnApplicationBootstrap {
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
    await this.runner.run(job, this.stage, this.handlers.for(this.stage));
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<StageJob> | undefined, error: Error): Promise<void> {
    await this.runner.onFailed(this.stage, job, error);
  }
}

function createStageProcessor(stage: PipelineStage): Type<StageProcessor> {
  @Processor({ name: stage }, STAGE_WORKER_OPTIONS)
  class ProcessorOfStage extends StageProcessor {
    constructor(runner: StageRunner, handlers: StageHandlers, @Inject(APP_CONFIG) config: AppConfig) {
      super(stage, runner, handlers, config.workerConcurrency);
    }
  }
  Object.defineProperty(ProcessorOfStage, 'name', { value: `${stage[0].toUpperCase()}${stage.slice(1)}Processor` });
  return ProcessorOfStage;
}

/** One processor class per stage, made from the stage table: registering a stage is one row there. */
export const STAGE_PROCESSORS = Object.fromEntries(PIPELINE_STAGES.map((stage) => [stage, createStageProcessor(stage)])) as Record<
  PipelineStage,
  Type<StageProcessor>
>;
