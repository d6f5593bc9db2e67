import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event contract lets breach and error events have no viewer; operators can discard a
 * dead-lettered batch (kept for the record, never re-driven).
 */
export class PipelineOperations1764288000000 implements MigrationInterface {
  name = 'PipelineOperations1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE raw_events ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE processed_events ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE findings ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE pipeline_batches DROP CONSTRAINT pipeline_batches_status_check`);
    await q.query(`ALTER TABLE pipeline_batches ADD CONSTRAINT pipeline_batches_status_check CHECK (status IN ('queued', 'dead', 'done', 'discarded'))`);
    await q.query(`ALTER TABLE pipeline_batches ADD COLUMN discarded_by text, ADD COLUMN discarded_at timestamptz`);
    // End-to-end latency and throughput are read from completed batches by time.
    await q.query(`CREATE INDEX pipeline_batches_completed_idx ON pipeline_batches (completed_at) WHERE status = 'done'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX pipeline_batches_completed_idx`);
    await q.query(`ALTER TABLE pipeline_batches DROP COLUMN discarded_by, DROP COLUMN discarded_at`);
    await q.query(`DELETE FROM event_receipts WHERE batch_id IN (SELECT batch_id FROM pipeline_batches WHERE status = 'discarded')`);
    await q.query(`DELETE FROM pipeline_batches WHERE status = 'discarded'`);
    await q.query(`ALTER TABLE pipeline_batches DROP CONSTRAINT pipeline_batches_status_check`);
    await q.query(`ALTER TABLE pipeline_batches ADD CONSTRAINT pipeline_batches_status_check CHECK (status IN ('queued', 'dead', 'done'))`);
    await q.query(`DELETE FROM findings WHERE user_id IS NULL`);
    await q.query(`ALTER TABLE findings ALTER COLUMN user_id SET NOT NULL`);
    await q.query(`DELETE FROM processed_events WHERE user_id IS NULL`);
    await q.query(`ALTER TABLE processed_events ALTER COLUMN user_id SET NOT NULL`);
    await q.query(`DELETE FROM raw_events WHERE user_id IS NULL`);
    await q.query(`ALTER TABLE raw_events ALTER COLUMN user_id SET NOT NULL`);
  }
}
