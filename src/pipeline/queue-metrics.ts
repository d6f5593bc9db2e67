import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { MAINTENANCE_QUEUE } from './maintenance.constants';
import { ALL_QUEUES, BackgroundQueueName } from './pipeline.constants';

const STATES = ['wait', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Queue depth and dead-letter size, read when Prometheus scrapes (no polling in between). */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const queues = [...ALL_QUEUES, MAINTENANCE_QUEUE, BackgroundQueueName.backtest].map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    pipelineMetrics.queueDepth(async (gauge) => {
      const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...STATES).catch(() => null)));
      counts.forEach((count, i) => {
        if (!count) return;
        for (const state of STATES) gauge.set({ queue: queues[i].name, state }, count[state] ?? 0);
      });
    });
    pipelineMetrics.deadLetterSize(async () => {
      const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM pipeline_batches WHERE status = 'dead'`);
      return n;
    });
  }
}
