import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What analytics and reporting need beyond the initial schema:
 * - rollup_watermarks: how far the rollup maintainer has folded each source (a time: rows are found
 *   by their write time, processed_at / created_at / updated_at / scored_at / recorded_at), advanced
 *   in the same transaction as the rollup upserts, so a re-run never counts twice;
 * - indexes on those write times, so a fold reads only the new rows (BRIN where the table is
 *   append-only and physically in write order, b-tree where rows are updated); the BRIN indexes
 *   summarise each block range as soon as it fills (autosummarize), not only at the next VACUUM,
 *   otherwise every unsummarised range matches and a fold would read the whole table;
 * - rollup_violation_ledger: the days each violation last counted on (opened, resolved), so a
 *   violation whose first_seen moves, or whose severity changes, is taken off its old day exactly;
 * - violations by first_seen and by resolved_at, for recomputing a day's violation counts;
 * - rollup_consents_daily: consent grants and withdrawals per day and purpose (compliance report);
 * - rollup_user_risk_daily by day, for the daily flagged-viewer trend;
 * - reports: one scheduled report per period (the daily executive report runs once per day).
 */
export class AnalyticsReporting1764633600000 implements MigrationInterface {
  name = 'AnalyticsReporting1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_watermarks (
        name text PRIMARY KEY,
        watermark timestamptz NOT NULL DEFAULT '-infinity',
        folded_rows bigint NOT NULL DEFAULT 0,
        folded_at timestamptz,
        rebuilt_at timestamptz
      )`);
    await q.query(`
      INSERT INTO rollup_watermarks (name)
      VALUES ('events'), ('findings'), ('violations'), ('user_risk'), ('consents')`);

    await q.query(
      `CREATE INDEX processed_events_processed_at_brin ON processed_events USING brin (processed_at) WITH (autosummarize = on)`,
    );
    await q.query(
      `CREATE INDEX consents_recorded_at_brin ON consents USING brin (recorded_at) WITH (autosummarize = on)`,
    );
    await q.query(`CREATE INDEX findings_created_idx ON findings (created_at)`);
    await q.query(`CREATE INDEX violations_updated_idx ON violations (updated_at)`);
    await q.query(`CREATE INDEX violations_first_seen_idx ON violations (first_seen)`);
    await q.query(
      `CREATE INDEX violations_resolved_idx ON violations (resolved_at) WHERE resolved_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX user_risk_scored_idx ON user_risk (scored_at)`);
    await q.query(`CREATE INDEX rollup_user_risk_daily_day_idx ON rollup_user_risk_daily (day)`);

    await q.query(`
      CREATE TABLE rollup_violation_ledger (
        violation_id uuid PRIMARY KEY,
        opened_day date,
        resolved_day date
      )`);
    await q.query(`
      CREATE TABLE rollup_consents_daily (
        day date NOT NULL,
        purpose text NOT NULL,
        state text NOT NULL,
        consent_count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, purpose, state)
      )`);

    await q.query(`
      CREATE UNIQUE INDEX reports_scheduled_key ON reports (type, format, period_start, period_end, requested_by)
       WHERE requested_by LIKE 'schedule:%'`);
    await q.query(
      `CREATE INDEX reports_queued_idx ON reports (created_at) WHERE status IN ('queued', 'running')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS reports_queued_idx`);
    await q.query(`DROP INDEX IF EXISTS reports_scheduled_key`);
    await q.query(`DROP TABLE IF EXISTS rollup_consents_daily`);
    await q.query(`DROP TABLE IF EXISTS rollup_violation_ledger`);
    await q.query(`DROP INDEX IF EXISTS rollup_user_risk_daily_day_idx`);
    await q.query(`DROP INDEX IF EXISTS user_risk_scored_idx`);
    await q.query(`DROP INDEX IF EXISTS violations_resolved_idx`);
    await q.query(`DROP INDEX IF EXISTS violations_first_seen_idx`);
    await q.query(`DROP INDEX IF EXISTS violations_updated_idx`);
    await q.query(`DROP INDEX IF EXISTS findings_created_idx`);
    await q.query(`DROP INDEX IF EXISTS consents_recorded_at_brin`);
    await q.query(`DROP INDEX IF EXISTS processed_events_processed_at_brin`);
    await q.query(`DROP TABLE IF EXISTS rollup_watermarks`);
  }
}
