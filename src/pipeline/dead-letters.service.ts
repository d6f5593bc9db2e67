import { InjectQueue } from '@nestjs/bullmq';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { DeadLetterJob, PipelineStage, QueueName, stageJobId } from './pipeline.constants';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';
import { StageQueues } from './stage-queues.service';

export interface DeadBatch {
  batchId: string;
  stage: PipelineStage;
  eventCount: number;
  error: string | null;
  createdAt: Date;
  redriveCount: number;
}

/** Operators' view of batches that exhausted their retries: list, replay, discard. */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly dataSource: DataSource,
    private readonly batches: PipelineBatchesRepository,
    private readonly stageQueues: StageQueues,
    private readonly audit: AuditLog,
    @InjectQueue(QueueName.deadLetter) private readonly deadLetterQueue: Queue<DeadLetterJob>,
  ) {}

  async list(limit: number, offset: number): Promise<{ items: DeadBatch[]; total: number }> {
    const rows = await this.dataSource.query(
      `SELECT batch_id, stage, event_count, last_error, created_at, redrive_count FROM pipeline_batches
        WHERE status = 'dead' ORDER BY created_at DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM pipeline_batches WHERE status = 'dead'`);
    return {
      items: rows.map((r: Record<string, unknown>) => ({
        batchId: r.batch_id,
        stage: r.stage,
        eventCount: r.event_count,
        error: r.last_error,
        createdAt: r.created_at,
        redriveCount: r.redrive_count,
      })),
      total,
    };
  }

  /**
   * Puts a dead batch back into the stage where it failed. Idempotent: replaying a batch that
   * is no longer dead changes nothing and says so.
   */
  async replay(batchId: string, ctx: RequestContext): Promise<{ batchId: string; stage: string; replayed: boolean }> {
    const current = await this.batches.find(batchId);
    if (!current) throw new NotFoundException(`batch ${batchId} does not exist`);
    const revived = await this.batches.revive(batchId);
    if (!revived) return { batchId, stage: current.stage, replayed: false };
    const stage = revived.stage as PipelineStage;
    // The failed job keeps its id in the failed set: retry it in place, or add it anew if gone.
    const queue = this.stageQueues.queue(stage);
    const failed = await queue.getJob(stageJobId(batchId, stage));
    if (failed && (await failed.isFailed())) await failed.retry('failed');
    else await this.stageQueues.enqueue(stage, batchId);
    await this.removeDeadLetterJob(batchId, stage);
    await this.audit.append({ ...auditActor(ctx), action: 'pipeline.dead_letter.replayed', targetType: 'batch', targetId: batchId, details: { stage } });
    return { batchId, stage, replayed: true };
  }

  async discard(batchId: string, ctx: RequestContext): Promise<{ batchId: string; discarded: boolean }> {
    const rows = await this.dataSource.query(
      `UPDATE pipeline_batches SET status = 'discarded', discarded_by = $2, discarded_at = now()
        WHERE batch_id = $1 AND status = 'dead' RETURNING stage`,
      [batchId, ctx.principal?.userId ?? 'system'],
    );
    const row = rows[0]?.[0];
    if (!row) {
      const current = await this.batches.find(batchId);
      if (!current) throw new NotFoundException(`batch ${batchId} does not exist`);
      if (current.status === ('discarded' as string)) return { batchId, discarded: false };
      throw new ConflictException(`batch ${batchId} is ${current.status}, not dead: only dead batches can be discarded`);
    }
    await this.removeDeadLetterJob(batchId, row.stage);
    await this.audit.append({ ...auditActor(ctx), action: 'pipeline.dead_letter.discarded', targetType: 'batch', targetId: batchId, details: { stage: row.stage } });
    return { batchId, discarded: true };
  }

  private async removeDeadLetterJob(batchId: string, stage: PipelineStage): Promise<void> {
    const job = await this.deadLetterQueue.getJob(`dead.${stageJobId(batchId, stage)}`);
    await job?.remove().catch(() => undefined);
  }
}
