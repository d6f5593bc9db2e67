import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * rollup_active_viewers_daily: which viewers had at least one event on each UTC day, folded with the
 * event rollup. The compliance posture divides by the viewers active in a window, and counting them
 * from processed_events would scan the event table; this rollup holds one row per (day, viewer).
 * The second index serves "was this viewer active in the window" lookups by viewer.
 * Existing events are backfilled here (a rebuild of the rollups recomputes it too).
 */
export class PostureActiveViewers1766000000000 implements MigrationInterface {
  name = 'PostureActiveViewers1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_active_viewers_daily (
        day date NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (day, user_id)
      )`);
    await q.query(`CREATE INDEX rollup_active_viewers_daily_user_idx ON rollup_active_viewers_daily (user_id, day)`);
    await q.query(`
      INSERT INTO rollup_active_viewers_daily (day, user_id)
      SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date, user_id FROM processed_events WHERE user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rollup_active_viewers_daily`);
  }
}
