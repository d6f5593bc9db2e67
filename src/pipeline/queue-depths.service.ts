import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { JobType, Queue } from 'bullmq';
import { ALL_QUEUES, QueueName } from './pipeline.constants';
import { registeredQueues } from './registered-queues';

/**
 * Live job counts of the stage queues and dead-letter, for other modules (analytics' pipeline
 * performance). The pipeline owns these queues, so readers ask it rather than fishing the queues out
 * of the container.
 */
@Injectable()
export class QueueDepths implements OnModuleInit {
  private queues: Queue[] = [];

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    // registeredQueues lists the pipeline's queues first, in stage order, then dead-letter.
    this.queues = registeredQueues(this.discovery).filter((queue) => (ALL_QUEUES as string[]).includes(queue.name));
  }

  /** Counts per state for each queue, in stage order then dead-letter, each queue asked separately. */
  counts(states: JobType[]): { name: QueueName; counts: Promise<Record<string, number>> }[] {
    return this.queues.map((queue) => ({ name: queue.name as QueueName, counts: queue.getJobCounts(...states) }));
  }
}
