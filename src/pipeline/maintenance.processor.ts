import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RawEventPartitions } from '../database/raw-event-partitions';
import { MAINTENANCE_QUEUE, MaintenanceTask } from './maintenance.constants';
import { PipelineBatchesRepository } from './pipeline-batches.repository';
import { StageQueues } from './stage-queues.service';

const DAY_MS = 86_400_000;

/**
 * Time-driven upkeep as BullMQ job schedulers (not in-process timers), so exactly one worker
 * runs each tick however many processes are up.
 */
@Injectable()
export class MaintenanceSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceSchedules.name);
  private reassert: NodeJS.Timeout | undefined;

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    await this.queue.upsertJobScheduler('partitions', { pattern: '0 15 * * * *' }, { name: MaintenanceTask.partitions });
    await this.queue.upsertJobScheduler('sweep-stalled', { every: this.config.sweepIntervalMs }, { name: MaintenanceTask.sweepStalled });
  }
}

@Processor(MAINTENANCE_QUEUE)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: RawEventPartitions,
    private readonly batches: PipelineBatchesRepository,
    private readonly stageQueues: StageQueues,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MaintenanceTask.partitions:
        return this.upkeepPartitions();
      case MaintenanceTask.sweepStalled:
        return this.sweepStalled();
      default:
        this.logger.warn(`unknown maintenance task ${job.name}`);
        return undefined;
    }
  }

  private async upkeepPartitions(): Promise<{ created: number; dropped: number }> {
    const created = await this.partitions.ensureAhead(this.config.partitionsAheadDays);
    const dropped = await this.partitions.dropBefore(new Date(Date.now() - this.config.rawEventRetentionDays * DAY_MS));
    return { created, dropped };
  }

  /**
   * Re-drives batches whose job was lost (Redis flushed or failed over) or never enqueued
   * (process killed between commit and enqueue). Stages are idempotent, so a false alarm costs
   * one no-op job.
   */
  private async sweepStalled(): Promise<{ redriven: number }> {
    const stalled = await this.batches.findStalled(this.config.stallAfterMs, 500);
    for (const batch of stalled) {
      if (batch.stage !== 'done') await this.stageQueues.enqueue(batch.stage, batch.batchId);
    }
    if (stalled.length > 0) this.logger.warn({ count: stalled.length }, 're-drove stalled batches');
    return { redriven: stalled.length };
  }
}
