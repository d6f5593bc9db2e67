import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RawEventPartitions } from '../database/raw-event-partitions';
import { MAINTENANCE_QUEUE, MaintenanceTask } from './maintenance.constants';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';
import { ScheduledTasks } from './scheduled-tasks';
import { StageQueues } from './stage-queues.service';

const DAY_MS = 86_400_000;

/** The pipeline's own upkeep: raw_events partitions and the stalled-batch sweeper. */
@Injectable()
export class PipelineUpkeep implements OnModuleInit {
  private readonly logger = new Logger(PipelineUpkeep.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: RawEventPartitions,
    private readonly batches: PipelineBatchesRepository,
    private readonly stageQueues: StageQueues,
    private readonly tasks: ScheduledTasks,
  ) {}

  onModuleInit(): void {
    this.tasks.register({ name: MaintenanceTask.partitions, schedule: { pattern: '0 15 * * * *' }, run: () => this.upkeepPartitions() });
    this.tasks.register({ name: MaintenanceTask.sweepStalled, schedule: { every: this.config.sweepIntervalMs }, run: () => this.sweepStalled() });
  }

  private async upkeepPartitions(): Promise<{ created: number; dropped: number }> {
    const created = await this.partitions.ensureAhead(this.config.partitionsAheadDays);
    const dropped = await this.partitions.dropBefore(new Date(Date.now() - this.config.rawEventRetentionDays * DAY_MS));
    return { created, dropped };
  }

  /**
   * Re-drives batches whose job was lost (Redis flushed or failed over) or never enqueued
   * (process killed between commit and enqueue), and closes open batches whose API process died
   * before closing them. Stages are idempotent, so a false alarm costs one no-op job.
   */
  private async sweepStalled(): Promise<{ redriven: number; closed: number }> {
    let closed = 0;
    for (const batchId of await this.batches.findAbandonedOpen(this.config.stallAfterMs, 500)) {
      if (((await this.batches.close(batchId)) ?? 0) === 0) continue;
      await this.stageQueues.enqueue('reception', batchId);
      closed++;
    }
    if (closed > 0) this.logger.warn({ count: closed }, 'closed open batches their API process left behind');
    const stalled = await this.batches.findStalled(this.config.stallAfterMs, 500);
    for (const batch of stalled) {
      if (batch.stage !== 'done') await this.stageQueues.enqueue(batch.stage, batch.batchId);
    }
    if (stalled.length > 0) this.logger.warn({ count: stalled.length }, 're-drove stalled batches');
    return { redriven: stalled.length, closed };
  }
}

/** Keeps every registered task's job scheduler in Redis. */
@Injectable()
export class MaintenanceSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceSchedules.name);
  private reassert: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tasks: ScheduledTasks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.upsert();
    // The schedulers live in Redis: if Redis loses its data they are gone with the jobs. Each
    // worker re-asserts them (an idempotent upsert), so the sweeper comes back by itself and
    // re-drives whatever the loss stranded. This timer does no pipeline work of its own.
    this.reassert = setInterval(() => {
      this.upsert().catch((error: Error) => this.logger.warn(`cannot re-assert job schedulers: ${error.message}`));
    }, this.config.sweepIntervalMs);
    this.reassert.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.reassert);
  }

  private async upsert(): Promise<void> {
    for (const task of this.tasks.all()) {
      if (task.schedule) await this.queue.upsertJobScheduler(task.name, task.schedule, { name: task.name });
    }
  }
}

@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly tasks: ScheduledTasks) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    const task = this.tasks.get(job.name);
    if (!task) throw new Error(`no scheduled task named ${job.name} is registered in this process`);
    return task.run();
  }
}
