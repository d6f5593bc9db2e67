import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobType, Queue } from 'bullmq';
import { QueueName } from './pipeline.constants';

/**
 * Live job counts of the stage queues and dead-letter, for other modules (analytics' pipeline
 * performance). The pipeline owns these queues, so readers ask it rather than fishing the queues out
 * of the container.
 */
@Injectable()
export class QueueDepths {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.reception) reception: Queue,
    @InjectQueue(QueueName.compliance) compliance: Queue,
    @InjectQueue(QueueName.ml) ml: Queue,
    @InjectQueue(QueueName.violation) violation: Queue,
    @InjectQueue(QueueName.alerting) alerting: Queue,
    @InjectQueue(QueueName.deadLetter) deadLetter: Queue,
  ) {
    this.queues = { reception, compliance, ml, violation, alerting, 'dead-letter': deadLetter };
  }

  /** Counts per state for each queue, in stage order then dead-letter, each queue asked separately. */
  counts(states: JobType[]): { name: QueueName; counts: Promise<Record<string, number>> }[] {
    return (Object.keys(this.queues) as QueueName[]).map((name) => ({
      name,
      counts: this.queues[name].getJobCounts(...states),
    }));
  }
}
