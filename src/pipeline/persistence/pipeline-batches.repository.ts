import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inRetriedTransaction } from '../../database/transactions';
import type { PipelineStage } from '../../config/app-config';

export type BatchStage = PipelineStage | 'done';

export interface PipelineBatchRow {
  batchId: string;
  stage: BatchStage;
  status: 'open' | 'queued' | 'dead' | 'done' | 'discarded';
  eventCount: number;
  stageEnteredAt: Date;
  redriveCount: number;
  lastError: string | null;
  createdAt: Date;
}

/** Where each batch is in the pipeline: the durable truth the recovery sweeper works from. */
@Injectable()
export class PipelineBatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Moves a batch from one stage to the next and records the stage's time in the per-minute
   * rollup, in one round trip. Conditional on the current stage so that a retried or
   * re-driven job never moves a batch backwards or counts twice.
   */
  async advance(
    batchId: string,
    from: PipelineStage,
    to: BatchStage,
    stageMs: number,
  ): Promise<{ eventCount: number; createdAt: Date } | null> {
    const rows: { event_count: number; created_at: Date }[] = await this.dataSource.query(
      `WITH moved AS (
         UPDATE pipeline_batches
            SET stage = $3, stage_entered_at = now(), last_error = NULL,
                status = CASE WHEN $3 = 'done' THEN 'done' ELSE 'queued' END,
                completed_at = CASE WHEN $3 = 'done' THEN now() ELSE NULL END
          WHERE batch_id = $1 AND stage = $2 AND status = 'queued'
          RETURNING event_count, created_at)
       INSERT INTO rollup_stage_latency_minutely AS r (minute, stage, batches, events, total_ms, max_ms)
       SELECT date_trunc('minute', now()), $2, 1, event_count, $4, $4 FROM moved
       ON CONFLICT (minute, stage) DO UPDATE SET
         batches = r.batches + 1, events = r.events + EXCLUDED.events,
         total_ms = r.total_ms + EXCLUDED.total_ms, max_ms = greatest(r.max_ms, EXCLUDED.max_ms)
       RETURNING (SELECT event_count FROM moved), (SELECT created_at FROM moved)`,
      [batchId, from, to, stageMs],
    );
    return rows[0] ? { eventCount: Number(rows[0].event_count), createdAt: new Date(rows[0].created_at) } : null;
  }

  /**
   * Closes an open batch: it becomes 'queued' for reception with the count of the events committed
   * into it; a batch that got none (every commit rolled back, or only duplicates) is deleted.
   * Returns the event count, 0 when deleted, null when the batch was not open. The status change
   * waits for the commits still writing into the batch (they hold a share lock on its row), and the
   * count is a statement of its own so that it sees what they committed.
   */
  async close(batchId: string): Promise<number | null> {
    return inRetriedTransaction(this.dataSource, async (tx) => {
      const closed = await tx.query(
        `UPDATE pipeline_batches SET status = 'queued', stage_entered_at = now() WHERE batch_id = $1 AND status = 'open' RETURNING batch_id`,
        [batchId],
      );
      if (closed[1] === 0) return null;
      const [{ n }]: { n: number }[] = await tx.query(
        `SELECT count(*)::int AS n FROM event_receipts WHERE batch_id = $1`,
        [batchId],
      );
      if (n === 0) await tx.query(`DELETE FROM pipeline_batches WHERE batch_id = $1`, [batchId]);
      else await tx.query(`UPDATE pipeline_batches SET event_count = $2 WHERE batch_id = $1`, [batchId, n]);
      return n;
    });
  }

  /** Open batches older than `olderThanMs`: their API process died (or hung) before closing them. */
  async findAbandonedOpen(olderThanMs: number, limit: number): Promise<string[]> {
    const rows: { batch_id: string }[] = await this.dataSource.query(
      `SELECT batch_id FROM pipeline_batches
        WHERE status = 'open' AND created_at < now() - ($1::double precision * interval '1 millisecond')
        ORDER BY created_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.batch_id);
  }

  async markDead(batchId: string, stage: PipelineStage, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE pipeline_batches SET status = 'dead', last_error = $3
        WHERE batch_id = $1 AND stage = $2 AND status = 'queued'`,
      [batchId, stage, error.slice(0, 4000)],
    );
  }

  /** Puts a dead batch back in its stage; returns false when it was not dead (replay is idempotent). */
  async revive(batchId: string): Promise<PipelineBatchRow | null> {
    const rows = await this.dataSource.query(
      `UPDATE pipeline_batches SET status = 'queued', stage_entered_at = now(), redrive_count = redrive_count + 1
        WHERE batch_id = $1 AND status = 'dead' RETURNING *`,
      [batchId],
    );
    return rows[0]?.[0] ? toRow(rows[0][0]) : null;
  }

  async find(batchId: string): Promise<PipelineBatchRow | null> {
    const rows = await this.dataSource.query(`SELECT * FROM pipeline_batches WHERE batch_id = $1`, [batchId]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Batches that have sat in one stage longer than `olderThanMs`: their job was lost or stalled. */
  async findStalled(olderThanMs: number, limit: number): Promise<PipelineBatchRow[]> {
    const rows = await this.dataSource.query(
      `UPDATE pipeline_batches SET redrive_count = redrive_count + 1, stage_entered_at = now()
        WHERE batch_id IN (
          SELECT batch_id FROM pipeline_batches
           WHERE status = 'queued' AND stage_entered_at < now() - ($1::double precision * interval '1 millisecond')
           ORDER BY stage_entered_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [olderThanMs, limit],
    );
    return rows[0].map(toRow);
  }

  /** Dead batches, newest first, and how many there are. */
  async listDead(limit: number, offset: number): Promise<{ rows: PipelineBatchRow[]; total: number }> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT * FROM pipeline_batches WHERE status = 'dead' ORDER BY created_at DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return { rows: rows.map(toRow), total: await this.countDead() };
  }

  async countDead(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM pipeline_batches WHERE status = 'dead'`);
    return n;
  }

  /** Marks a dead batch discarded by `by`; returns its stage, or null when it was not dead. */
  async discardDead(batchId: string, by: string): Promise<PipelineStage | null> {
    const rows = await this.dataSource.query(
      `UPDATE pipeline_batches SET status = 'discarded', discarded_by = $2, discarded_at = now()
        WHERE batch_id = $1 AND status = 'dead' RETURNING stage`,
      [batchId, by],
    );
    return rows[0]?.[0]?.stage ?? null;
  }
}

function toRow(row: Record<string, unknown>): PipelineBatchRow {
  return {
    batchId: row.batch_id as string,
    stage: row.stage as BatchStage,
    status: row.status as PipelineBatchRow['status'],
    eventCount: Number(row.event_count),
    stageEnteredAt: row.stage_entered_at as Date,
    redriveCount: Number(row.redrive_count),
    lastError: (row.last_error as string | null) ?? null,
    createdAt: row.created_at as Date,
  };
}
