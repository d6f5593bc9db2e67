import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The legal-hold register: a viewer (record_type null) or one record of a viewer (a data category or
 * a data-subject request) kept despite retention and erasure deadlines. Rows are never deleted: a hold
 * ends by its end date or by release (released_at), so the register shows every hold ever placed.
 * The scheduled checks ask for the holds of a page of viewers by user_id.
 */
export class LegalHolds1766000100000 implements MigrationInterface {
  name = 'LegalHolds1766000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        record_type text CHECK (record_type IN ('data_category', 'dsr_request')),
        record_id text,
        reason text NOT NULL CHECK (length(reason) > 0),
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz,
        released_at timestamptz,
        released_by text,
        CHECK ((record_type IS NULL) = (record_id IS NULL)),
        CHECK (ends_at IS NULL OR ends_at > created_at)
      )`);
    await q.query(`CREATE INDEX legal_holds_user_idx ON legal_holds (user_id)`);
    await q.query(`CREATE INDEX legal_holds_created_idx ON legal_holds (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS legal_holds`);
  }
}
