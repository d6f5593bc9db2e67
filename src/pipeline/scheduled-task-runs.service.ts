import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { MAINTENANCE_QUEUE } from './maintenance.constants';

export interface ScheduledTaskView {
  name: string;
  /** cron pattern, or null for an interval */
  pattern: string | null;
  everyMs: number | null;
  nextRunAt: string | null;
}

export interface TaskRunView {
  runId: string;
  task: string;
  state: string;
  requestedAt: string;
  finishedAt: string | null;
  result: unknown;
  error: string | null;
}

/** Manual runs live as jobs of this prefix on the maintenance queue, beside the schedulers' own. */
const RUN_PREFIX = 'manual.';

/**
 * The time-driven tasks as operators see them (each job scheduler on the maintenance queue, with its
 * next run), and running one now — the DSR deadline check after a fix, the stall sweeper after an
 * outage — without waiting for its tick. A run is an ordinary job on the maintenance queue, so one
 * worker takes it like a scheduled tick; the request is audited.
 */
@Injectable()
export class ScheduledTaskRuns {
  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<ScheduledTaskView[]> {
    const schedulers = await this.queue.getJobSchedulers(0, -1, true);
    return schedulers
      .map((s) => ({
        name: s.key,
        pattern: s.pattern ?? null,
        everyMs: s.every ? Number(s.every) : null,
        nextRunAt: s.next ? new Date(s.next).toISOString() : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async run(name: string, ctx: RequestContext): Promise<TaskRunView> {
    const tasks = await this.list();
    if (!tasks.some((t) => t.name === name)) {
      throw new NotFoundException(`no scheduled task named ${name}; tasks: ${tasks.map((t) => t.name).join(', ')}`);
    }
    return this.start(name, ctx);
  }

  /**
   * Runs a task of this product's own (one without a schedule, such as a full rollup rebuild) on a
   * worker: long work never runs inside an API request. Callers are services that know the name.
   */
  async runOnDemand(name: string, ctx: RequestContext): Promise<TaskRunView> {
    return this.start(name, ctx);
  }

  private async start(name: string, ctx: RequestContext): Promise<TaskRunView> {
    const job = await this.queue.add(
      name,
      { manual: true },
      {
        jobId: `${RUN_PREFIX}${name}.${randomUUID()}`,
        attempts: 1,
        removeOnComplete: { age: 86_400 },
        removeOnFail: { age: 7 * 86_400 },
      },
    );
    await this.audit.append({ ...auditActor(ctx), action: 'pipeline.task.run_requested', targetType: 'scheduled_task', targetId: name, details: { runId: job.id } });
    return this.status(job.id as string);
  }

  async status(runId: string): Promise<TaskRunView> {
    // The state first, then the job: read the other way round, a run finishing in between shows as
    // completed with the result it did not have yet when the job was read.
    const state = runId.startsWith(RUN_PREFIX) ? await this.queue.getJobState(runId) : 'unknown';
    const job = state === 'unknown' ? undefined : await this.queue.getJob(runId);
    if (!job) throw new NotFoundException(`no task run ${runId} (runs are kept for a day after they finish)`);
    return {
      runId,
      task: job.name,
      state,
      requestedAt: new Date(job.timestamp).toISOString(),
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      result: job.returnvalue ?? null,
      error: job.failedReason || null,
    };
  }
}
