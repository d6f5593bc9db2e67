import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pipeline batches accumulate: an API process keeps one batch 'open' while its group commits add
 * events to it, and closes it ('queued', enqueued for reception) when it holds enough events or has
 * waited long enough. Single-event traffic then pays the stages' per-batch cost once per few hundred
 * events instead of once per commit. Open batches are found by age, to close those whose API process
 * died before closing them.
 */
export class AccumulatingBatches1764720000000 implements MigrationInterface {
  name = 'AccumulatingBatches1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pipeline_batches DROP CONSTRAINT pipeline_batches_status_check`);
    await q.query(
      `ALTER TABLE pipeline_batches ADD CONSTRAINT pipeline_batches_status_check CHECK (status IN ('open', 'queued', 'dead', 'done', 'discarded'))`,
    );
    await q.query(
      `CREATE INDEX pipeline_batches_open_idx ON pipeline_batches (created_at) WHERE status = 'open'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // An open batch holds committed events: hand it to reception rather than lose it.
    // Counted as a close would count it (its event_count was a placeholder); one without events goes.
    await q.query(
      `UPDATE pipeline_batches b SET status = 'queued', stage_entered_at = now() - interval '1 day',
              event_count = (SELECT count(*) FROM event_receipts r WHERE r.batch_id = b.batch_id)
        WHERE status = 'open' AND EXISTS (SELECT 1 FROM event_receipts r WHERE r.batch_id = b.batch_id)`,
    );
    await q.query(`DELETE FROM pipeline_batches WHERE status = 'open'`);
    await q.query(`DROP INDEX pipeline_batches_open_idx`);
    await q.query(`ALTER TABLE pipeline_batches DROP CONSTRAINT pipeline_batches_status_check`);
    await q.query(
      `ALTER TABLE pipeline_batches ADD CONSTRAINT pipeline_batches_status_check CHECK (status IN ('queued', 'dead', 'done', 'discarded'))`,
    );
  }
}
