import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules never stall a process. compliance_rule_health records each batch in which a rule spent more
 * than its evaluation budget and was skipped for the rest of the batch, in the compliance stage or a
 * page of a scheduled check (one row per rule and batch, so a re-run batch records it once). compliance_backtest_runs holds back-test runs: requested through the
 * API (202 with the run id), run by a worker in a thread with a time and memory budget, read back by id.
 */
export class RuleBudgets1765000000000 implements MigrationInterface {
  name = 'RuleBudgets1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE compliance_rule_health (
        id bigserial PRIMARY KEY,
        rule_id text NOT NULL,
        rule_version integer NOT NULL,
        kind text NOT NULL CHECK (kind IN ('budget_exceeded')),
        -- 'compliance' (the stage: batch_id is the pipeline batch) or a scheduled task's name (batch_id
        -- names one page of viewer states the task judged)
        source text NOT NULL,
        batch_id uuid NOT NULL,
        spent_ms double precision NOT NULL,
        budget_ms integer NOT NULL,
        evaluations integer NOT NULL,
        skipped integer NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (rule_id, batch_id, kind)
      )`);
    await q.query(`CREATE INDEX compliance_rule_health_rule_idx ON compliance_rule_health (rule_id, occurred_at DESC)`);
    await q.query(`
      CREATE TABLE compliance_backtest_runs (
        run_id uuid PRIMARY KEY,
        rule_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        request jsonb NOT NULL,
        requested_by text,
        result jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX compliance_backtest_runs_created_idx ON compliance_backtest_runs (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE compliance_backtest_runs`);
    await q.query(`DROP TABLE compliance_rule_health`);
  }
}
