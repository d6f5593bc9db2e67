import { Inject, Injectable, Logger, OnApplicationShutdown, UnprocessableEntityException } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RawEventPartitions } from '../database/raw-event-partitions';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { StageQueues } from '../pipeline/stage-queues.service';
import { Principal } from '../security/principal';
import type { IngestedEvent } from './domain/event-payloads';
import { groupProblemsByField } from '../common/domain/field-error';
import type { AcceptResult, Rejection } from './domain/accept-result';
import { EventValidator } from './dto/event-validator';
import { PipelineBatches } from '../pipeline/pipeline-batches.service';
import { BatchFormer } from './batch-former';
import { AcceptItem, BatchNoLongerOpen, EventStore } from './persistence/event-store.repository';
import { GroupCommitter } from './group-commit';

/**
 * Validates events on the hot path (the compiled validator derived from the DTO classes), stores
 * them durably through group commit into the open pipeline batch, and starts each batch on the
 * pipeline when the batch former closes it.
 */
@Injectable()
export class IngestionService implements OnApplicationShutdown {
  private readonly logger = new Logger(IngestionService.name);
  private readonly validator = new EventValidator();
  private readonly committer: GroupCommitter<AcceptItem, boolean>;
  private readonly batches: BatchFormer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly store: EventStore,
    private readonly partitions: RawEventPartitions,
    private readonly stageQueues: StageQueues,
    private readonly pipelineBatches: PipelineBatches,
  ) {
    this.batches = new BatchFormer((batchId) => this.startBatch(batchId), {
      targetEvents: config.ingest.batchTargetEvents,
      maxWaitMs: config.ingest.batchMaxWaitMs,
    });
    this.committer = new GroupCommitter((items) => this.commit(items), {
      windowMs: config.ingest.groupCommitWindowMs,
      maxItems: config.ingest.groupCommitMaxEvents,
      maxConcurrentFlushes: config.ingest.groupCommitConcurrency,
      retryApart: mayBeOneEventsFault,
    });
  }

  async accept(plain: unknown[], principal: Principal): Promise<AcceptResult> {
    const rejected: Rejection[] = [];
    const valid: IngestedEvent[] = [];
    plain.forEach((candidate, index) => {
      const outcome = this.validator.validate(candidate);
      if (outcome.ok) valid.push(outcome.event);
      else rejected.push({ index, eventId: eventIdOf(candidate), details: groupProblemsByField(outcome.errors) });
    });
    const source = principal.apiKeyId ? `api_key:${principal.apiKeyId}` : `user:${principal.userId}`;
    const fresh = await this.committer.submit(valid.map((event) => ({ event, source }))).catch((error: unknown) => {
      throw refusedData(error) ? new UnprocessableEntityException('the database refused a value in these events; nothing of this request was stored') : error;
    });
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
    await this.batches.drain();
  }

  private async commit(items: AcceptItem[]): Promise<boolean[]> {
    await this.partitions.ensureFor(items.map((item) => new Date(item.event.occurredAt)));
    for (let attempt = 1; ; attempt++) {
      const batchId = this.batches.reserve(items.length);
      try {
        return await this.store.accept(items, batchId);
      } catch (error) {
        // Only after this process stalled past STALL_AFTER_MS does the sweeper close its batch.
        if (!(error instanceof BatchNoLongerOpen) || attempt > 1) throw error;
        this.batches.retire(batchId);
      } finally {
        this.batches.release(batchId);
      }
    }
  }

  /** Hands a closed batch to reception. The events are already safe: whatever fails here, the sweeper finishes. */
  private async startBatch(batchId: string): Promise<void> {
    try {
      const events = await this.pipelineBatches.close(batchId);
      if (events) await this.stageQueues.enqueue('reception', batchId);
    } catch (error) {
      this.logger.warn(
        { batchId, error: (error as Error).message },
        'could not start the batch; the sweeper will close or re-drive it',
      );
    }
  }
}

function eventIdOf(candidate: unknown): string | undefined {
  const id = (candidate as { eventId?: unknown } | null)?.eventId;
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}

/**
 * SQLSTATE classes no single event can cause: connection (08), resources (53), operator intervention (57),
 * system (58) and internal (XX) errors. An error without a SQLSTATE (a pool timeout, a refused connection)
 * is not the database judging the data either.
 */
const SHARED_FAILURE_CLASSES = new Set(['08', '53', '57', '58', 'XX']);

/** Whether a failed flush is worth retrying in parts: the database refused something in the data. */
function mayBeOneEventsFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !SHARED_FAILURE_CLASSES.has(code.slice(0, 2))
  );
}

/**
 * A data exception (SQLSTATE class 22: a byte sequence or number the database cannot store) that
 * survived group commit's isolation is this request's own fault: a 4xx, not a 500. Validation is
 * meant to catch every such value first; this is the backstop.
 */
function refusedData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}
