import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RawEventPartitions } from '../database/raw-event-partitions';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { StageQueues } from '../pipeline/stage-queues.service';
import { Principal } from '../security/principal';
import type { IngestedEvent } from './domain/event-payloads';
import type { FieldError } from './dto/event-validation';
import { EventValidator } from './dto/event-validator';
import { AcceptItem, EventStore } from './event-store.repository';
import { GroupCommitter } from './group-commit';

export interface Rejection {
  index: number;
  eventId?: string;
  errors: FieldError[];
}

export interface AcceptResult {
  accepted: string[];
  duplicates: string[];
  rejected: Rejection[];
}

/**
 * Validates events on the hot path (the compiled validator derived from the DTO classes),
 * stores them durably through group commit, and starts their batch on the pipeline.
 */
@Injectable()
export class IngestionService implements OnApplicationShutdown {
  private readonly logger = new Logger(IngestionService.name);
  private readonly validator = new EventValidator();
  private readonly committer: GroupCommitter<AcceptItem, boolean>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: EventStore,
    private readonly partitions: RawEventPartitions,
    private readonly stageQueues: StageQueues,
  ) {
    this.committer = new GroupCommitter((items) => this.commit(items), {
      windowMs: config.ingest.groupCommitWindowMs,
      maxItems: config.ingest.groupCommitMaxEvents,
      maxConcurrentFlushes: config.ingest.groupCommitConcurrency,
    });
  }

  async accept(plain: unknown[], principal: Principal): Promise<AcceptResult> {
    const rejected: Rejection[] = [];
    const valid: IngestedEvent[] = [];
    plain.forEach((candidate, index) => {
      const outcome = this.validator.validate(candidate);
      if (outcome.ok) valid.push(outcome.event);
      else rejected.push({ index, eventId: eventIdOf(candidate), errors: outcome.errors });
    });
    const source = principal.apiKeyId ? `api_key:${principal.apiKeyId}` : `user:${principal.userId}`;
    const fresh = await this.committer.submit(valid.map((event) => ({ event, source })));
    const accepted: string[] = [];
    const duplicates: string[] = [];
    valid.forEach((event, i) => (fresh[i] ? accepted : duplicates).push(event.eventId));
    pipelineMetrics.eventsIngested.inc({ outcome: 'accepted' }, accepted.length);
    pipelineMetrics.eventsIngested.inc({ outcome: 'duplicate' }, duplicates.length);
    pipelineMetrics.eventsIngested.inc({ outcome: 'rejected' }, rejected.length);
    return { accepted, duplicates, rejected };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.committer.drain();
  }

  private async commit(items: AcceptItem[]): Promise<boolean[]> {
    await this.partitions.ensureFor(items.map((item) => new Date(item.event.occurredAt)));
    const { batchId, fresh } = await this.store.accept(items);
    if (batchId) {
      // Committed: the events are safe. If Redis is away the sweeper starts the batch later.
      await this.stageQueues.enqueue('reception', batchId).catch((error: Error) => {
        this.logger.warn(
          { batchId, error: error.message },
          'could not enqueue; the sweeper will re-drive the batch',
        );
      });
    }
    return fresh;
  }
}

function eventIdOf(candidate: unknown): string | undefined {
  const id = (candidate as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}
