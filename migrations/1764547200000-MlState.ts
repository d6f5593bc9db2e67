import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the ML stage needs beyond the initial schema:
 * - ml_training_runs: one row per requested training (queued → running → succeeded | failed), so a
 *   caller can follow the job and the registry keeps who asked for which model and with which labels;
 * - ml_labels: ground truth for evaluation (case officers' false-positive marks, analysts' labels). The
 *   violations migration (1764460800000) creates the same table for its feedback; this one creates it
 *   only where that has not, so either can run alone and they never disagree on the columns.
 * Snapshots need no index of their own: their key (user_id, taken_at) serves per-viewer reads and the
 * BRIN index on taken_at the training window.
 */
export class MlState1764547200000 implements MigrationInterface {
  name = 'MlState1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ml_training_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        requested_by text NOT NULL,
        request jsonb NOT NULL,
        model_version integer REFERENCES ml_models(version),
        error text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX ml_training_runs_requested_idx ON ml_training_runs (requested_at DESC)`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS ml_labels (
        user_id text NOT NULL,
        label text NOT NULL,
        source text NOT NULL,
        violation_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS ml_labels_user_idx ON ml_labels (user_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // ml_labels stays: the violations migration owns it too, and drops it on its own revert.
    await q.query(`DROP TABLE IF EXISTS ml_training_runs`);
  }
}
