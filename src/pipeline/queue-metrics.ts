import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';
import { registeredQueues } from './registered-queues';

const STATES = ['wait', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Queue depth and dead-letter size, read when Prometheus scrapes (no polling in between). */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly batches: PipelineBatchesRepository,
  ) {}

  onModuleInit(): void {
    const queues = registeredQueues(this.discovery);
    pipelineMetrics.queueDepth(async (gauge) => {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...STATES).catch(() => null)));
      counts.forEach((count, i) => {
        if (!count) return;
        for (const state of STATES) gauge.set({ queue: queues[i].name, state }, count[state] ?? 0);
      });
    });
    pipelineMetrics.deadLetterSize(() => this.batches.countDead());
  }
}
