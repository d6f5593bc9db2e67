import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { BACKTEST_QUEUE } from '../compliance/backtest/backtest.constants';
import { MAINTENANCE_QUEUE } from './maintenance.constants';
import { ALL_QUEUES } from './pipeline.constants';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';

const STATES = ['wait', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Queue depth and dead-letter size, read when Prometheus scrapes (no polling in between). */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly batches: PipelineBatchesRepository,
  ) {}

  onModuleInit(): void {
    const queues = [...ALL_QUEUES, MAINTENANCE_QUEUE, BACKTEST_QUEUE].map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
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
