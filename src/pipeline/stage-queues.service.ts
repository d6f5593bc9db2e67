import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { PIPELINE_STAGES, PipelineStage, StageJob, stageJobId } from './pipeline.constants';

/** The stage queues behind one method: add a batch to a stage, idempotently. */
@Injectable()
export class StageQueues implements OnModuleInit {
  private byStage = {} as Record<PipelineStage, Queue<StageJob>>;

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    // Each stage's queue has the stage's name; this module registers it through BullModule (whose
    // dynamic module holds the provider, hence strict: false).
    for (const stage of PIPELINE_STAGES) {
      this.byStage[stage] = this.moduleRef.get<Queue<StageJob>>(getQueueToken(stage), { strict: false });
    }
  }

  queue(stage: PipelineStage): Queue<StageJob> {
    return this.byStage[stage];
  }

  async enqueue(stage: PipelineStage, batchId: string): Promise<void> {
    await this.byStage[stage].add(stage, { batchId }, { jobId: stageJobId(batchId, stage) });
  }
}
