import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Late events and the per-viewer report.
 * - findings.superseded_at / superseded_by: a late event that changes what an earlier finding was
 *   judged on marks the finding superseded (the late event's id) instead of deleting it, so the
 *   evidence trail stays whole; the violation stage skips superseded findings it has not converted.
 * - dsr_access_reports: the viewer report handed over with a completed access request, built once as
 *   of the request's completion and kept as delivered (later events or deletions do not rewrite it).
 */
export class SupersededFindingsAndAccessReports1766700000000 implements MigrationInterface {
  name = 'SupersededFindingsAndAccessReports1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE findings ADD COLUMN superseded_at timestamptz`);
    await q.query(`ALTER TABLE findings ADD COLUMN superseded_by uuid`);
    await q.query(`
      CREATE TABLE dsr_access_reports (
        request_id text PRIMARY KEY,
        user_id text NOT NULL,
        as_of timestamptz NOT NULL,
        report jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX dsr_access_reports_user_idx ON dsr_access_reports (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dsr_access_reports`);
    await q.query(`ALTER TABLE findings DROP COLUMN IF EXISTS superseded_by`);
    await q.query(`ALTER TABLE findings DROP COLUMN IF EXISTS superseded_at`);
  }
}
