import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { MAINTENANCE_QUEUE } from './maintenance.constants';
import { ALL_QUEUES, BackgroundQueueName } from './pipeline.constants';

const QUEUE_NAMES: string[] = [...ALL_QUEUES, MAINTENANCE_QUEUE, BackgroundQueueName.backtest];

/** What operators do to queues without a shell: look, pause and resume a stage, list failures. */
@Injectable()
export class QueueOperations {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly audit: AuditLog,
  ) {}

  async overview(): Promise<{ name: string; paused: boolean; counts: Record<string, number> }[]> {
    return Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const queue = this.queue(name);
        return {
          name,
          paused: await queue.isPaused(),
          counts: await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed', 'completed'),
        };
      }),
    );
  }

  /** Pausing is global (every worker of that stage stops taking jobs); accepted events wait safely. */
  async setPaused(name: string, paused: boolean, ctx: RequestContext): Promise<{ name: string; paused: boolean }> {
    const queue = this.queue(name);
    if (paused) await queue.pause();
    else await queue.resume();
    await this.audit.append({ ...auditActor(ctx), action: paused ? 'pipeline.queue.paused' : 'pipeline.queue.resumed', targetType: 'queue', targetId: name });
    return { name, paused: await queue.isPaused() };
  }

  async failedJobs(name: string, limit: number, offset: number) {
    const jobs = await this.queue(name).getFailed(offset, offset + limit - 1);
    return jobs.map((job) => ({
      id: job.id,
      name: job.name,
      data: job.data,
      attemptsMade: job.attemptsMade,
      failedReason: job.failedReason,
      finishedOn: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    }));
  }

  private queue(name: string): Queue {
    if (!QUEUE_NAMES.includes(name)) throw new NotFoundException(`no queue named ${name}; queues: ${QUEUE_NAMES.join(', ')}`);
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
