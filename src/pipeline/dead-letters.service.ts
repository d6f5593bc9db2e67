import { InjectQueue } from '@nestjs/bullmq';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Queue } from 'bullmq';
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
    private readonly batches: PipelineBatchesRepository,
    private readonly stageQueues: StageQueues,
    private readonly audit: AuditLog,
    @InjectQueue(QueueName.deadLetter) private readonly deadLetterQueue: Queue<DeadLetterJob>,
  ) {}

  async list(limit: number, offset: number): Promise<{ items: DeadBatch[]; total: number }> {
    const { rows, total } = await this.batches.listDead(limit, offset);
    return {
      items: rows.map((r) => ({
        batchId: r.batchId,
        stage: r.stage as PipelineStage,
        eventCount: r.eventCount,
        error: r.lastError,
        createdAt: r.createdAt,
        redriveCount: r.redriveCount,
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
    const stage = await this.batches.discardDead(batchId, ctx.principal?.userId ?? 'system');
    if (stage === null) {
      const current = await this.batches.find(batchId);
      if (!current) throw new NotFoundException(`batch ${batchId} does not exist`);
      if (current.status === ('discarded' as string)) return { batchId, discarded: false };
      throw new ConflictException(`batch ${batchId} is ${current.status}, not dead: only dead batches can be discarded`);
    }
    await this.removeDeadLetterJob(batchId, stage);
    await this.audit.append({ ...auditActor(ctx), action: 'pipeline.dead_letter.discarded', targetType: 'batch', targetId: batchId, details: { stage } });
    return { batchId, discarded: true };
  }

  private async removeDeadLetterJob(batchId: string, stage: PipelineStage): Promise<void> {
    const job = await this.deadLetterQueue.getJob(`dead.${stageJobId(batchId, stage)}`);
    await job?.remove().catch(() => undefined);
  }
}
