import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { registeredQueues } from './registered-queues';

/** What operators do to queues without a shell: look, pause and resume a stage, list failures. */
@Injectable()
export class QueueOperations implements OnModuleInit {
  /** Every queue any module registered, found at boot: a new queue needs no list to be updated. */
  private queues = new Map<string, Queue>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly audit: AuditLog,
  ) {}

  onModuleInit(): void {
    this.queues = new Map(registeredQueues(this.discovery).map((queue) => [queue.name, queue]));
  }

  async overview(): Promise<{ name: string; paused: boolean; counts: Record<string, number> }[]> {
    return Promise.all(
      [...this.queues.keys()].map(async (name) => {
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
    const queue = this.queues.get(name);
    if (!queue) throw new NotFoundException(`no queue named ${name}; queues: ${[...this.queues.keys()].join(', ')}`);
    return queue;
  }
}
