import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A failed delivery's receiver answer (up to 512 bytes) moves out of `error` into a column of its
 * own, so reads can leave it out for roles that may see delivery state but not what a receiver
 * said (it can echo request data or internal details). Existing rows are split the same way.
 */
export class DeliveryResponseBody1765300000000 implements MigrationInterface {
  name = 'DeliveryResponseBody1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_deliveries ADD COLUMN response_body text`);
    await q.query(
      `UPDATE alert_deliveries SET response_body = substring(error FROM '^HTTP [0-9]+: (.*)$'),
              error = substring(error FROM '^(HTTP [0-9]+): ')
        WHERE error ~ '^HTTP [0-9]+: '`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE alert_deliveries SET error = error || ': ' || response_body WHERE response_body IS NOT NULL`,
    );
    await q.query(`ALTER TABLE alert_deliveries DROP COLUMN response_body`);
  }
}
