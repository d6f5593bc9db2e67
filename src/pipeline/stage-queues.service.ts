import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { PipelineStage, QueueName, StageJob, stageJobId } from './pipeline.constants';

/** The five stage queues behind one method: add a batch to a stage, idempotently. */
@Injectable()
export class StageQueues {
  private readonly byStage: Record<PipelineStage, Queue<StageJob>>;

  constructor(
    @InjectQueue(QueueName.reception) reception: Queue<StageJob>,
    @InjectQueue(QueueName.compliance) compliance: Queue<StageJob>,
    @InjectQueue(QueueName.ml) ml: Queue<StageJob>,
    @InjectQueue(QueueName.violation) violation: Queue<StageJob>,
    @InjectQueue(QueueName.alerting) alerting: Queue<StageJob>,
  ) {
    this.byStage = { reception, compliance, ml, violation, alerting };
  }

  queue(stage: PipelineStage): Queue<StageJob> {
    return this.byStage[stage];
  }

  async enqueue(stage: PipelineStage, batchId: string): Promise<void> {
    await this.byStage[stage].add(stage, { batchId }, { jobId: stageJobId(batchId, stage) });
  }
}
