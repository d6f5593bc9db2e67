import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the violation and alerting stages need beyond the initial schema:
 * - findings remember the violation they were folded into (a finding is converted once, in the
 *   transaction that marks it), and unconverted findings are found through a small partial index;
 * - violations are grouped by (kind, rule, viewer) in `group_key`; several may share a group (a
 *   quiet gap longer than the window, or a recurrence after a case was closed) but the partial unique
 *   index on dedup_key still allows one open row per key;
 * - violation_changes is the hand-off from the violation stage to the alerting stage (an outbox:
 *   one row per violation a batch touched, marked when alerting has handled it);
 * - alerts may have no violation (channel tests), remember their batch, channels and dispatch;
 * - routes can filter on the alert reason; channels are soft-deleted so the delivery log keeps them;
 * - ml_labels: a case officer's false-positive mark, read by the ML evaluation.
 */
export class ViolationsAlerting1764460800000 implements MigrationInterface {
  name = 'ViolationsAlerting1764460800000';

  async up(q: QueryRunner): Promise<void> {
    // ── Violations ────────────────────────────────────────────────────────────────────────
    // Breach and error events may have no viewer, and neither may their findings.
    await q.query(`ALTER TABLE violations ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`
      ALTER TABLE violations
        ADD COLUMN group_key text,
        ADD COLUMN base_severity text CHECK (base_severity IN ('low', 'medium', 'high', 'critical')),
        ADD COLUMN recurrence_of uuid REFERENCES violations(id),
        ADD COLUMN critical_at timestamptz,
        ADD COLUMN unack_escalated_at timestamptz,
        ADD COLUMN closed_by uuid REFERENCES users(id),
        ADD COLUMN resolution_note text`);
    await q.query(`
      UPDATE violations SET group_key = kind || ':' || rule_id || ':' || coalesce(user_id, ''),
                            base_severity = severity,
                            critical_at = CASE WHEN severity = 'critical' THEN first_seen END`);
    await q.query(
      `ALTER TABLE violations ALTER COLUMN group_key SET NOT NULL, ALTER COLUMN base_severity SET NOT NULL`,
    );
    await q.query(`CREATE INDEX violations_group_idx ON violations (group_key, last_seen DESC)`);
    // The unacknowledged-critical escalation looks only at the few rows that can still escalate.
    await q.query(`
      CREATE INDEX violations_unack_critical_idx ON violations (critical_at)
       WHERE status = 'open' AND severity = 'critical' AND unack_escalated_at IS NULL`);
    await q.query(
      `CREATE INDEX violations_assigned_idx ON violations (assigned_to) WHERE assigned_to IS NOT NULL`,
    );

    // ── Findings → violations ─────────────────────────────────────────────────────────────
    await q.query(
      `ALTER TABLE findings ADD COLUMN violation_id uuid REFERENCES violations(id) ON DELETE SET NULL`,
    );
    await q.query(`CREATE INDEX findings_violation_idx ON findings (violation_id)`);
    // Only unconverted findings are in it: the sweeper's scan stays small however large findings grows.
    await q.query(
      `CREATE INDEX findings_unconverted_idx ON findings (created_at) WHERE violation_id IS NULL`,
    );

    // ── Violation stage → alerting stage ──────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE violation_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        batch_id uuid,
        violation_id uuid NOT NULL REFERENCES violations(id) ON DELETE CASCADE,
        change text NOT NULL CHECK (change IN ('new', 'reopened', 'escalated', 'repeated')),
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        previous_severity text CHECK (previous_severity IN ('low', 'medium', 'high', 'critical')),
        occurrences integer NOT NULL CHECK (occurrences >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        alerted_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX violation_changes_batch_idx ON violation_changes (batch_id) WHERE alerted_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX violation_changes_pending_idx ON violation_changes (created_at) WHERE alerted_at IS NULL`,
    );

    // ── Alerts ────────────────────────────────────────────────────────────────────────────
    await q.query(`ALTER TABLE alerts ALTER COLUMN violation_id DROP NOT NULL`);
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check`);
    await q.query(`
      ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
        CHECK (reason IN ('new', 'escalated', 'reopened', 'repeated', 'unacknowledged', 'test'))`);
    await q.query(`
      ALTER TABLE alerts
        ADD COLUMN batch_id uuid,
        ADD COLUMN message_id text,
        ADD COLUMN channel_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN route_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN dispatched_at timestamptz`);
    await q.query(
      `UPDATE alerts SET message_id = 'msg_' || replace(id::text, '-', '') WHERE message_id IS NULL`,
    );
    await q.query(`ALTER TABLE alerts ALTER COLUMN message_id SET NOT NULL`);
    await q.query(`CREATE INDEX alerts_window_idx ON alerts (violation_id, window_ends_at DESC)`);
    await q.query(`CREATE INDEX alerts_batch_idx ON alerts (batch_id) WHERE dispatched_at IS NULL`);
    await q.query(`CREATE INDEX alerts_undispatched_idx ON alerts (created_at) WHERE dispatched_at IS NULL`);
    await q.query(
      `CREATE INDEX alert_deliveries_channel_idx ON alert_deliveries (alert_id, channel_id, attempt)`,
    );
    await q.query(`ALTER TABLE alert_routes ADD COLUMN reasons text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE alert_channels ADD COLUMN deleted_at timestamptz`);

    // ── Feedback to the ML evaluation ─────────────────────────────────────────────────────
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
    await q.query(`DROP INDEX IF EXISTS ml_labels_user_idx`);
    await q.query(`DROP TABLE IF EXISTS ml_labels`);
    await q.query(`ALTER TABLE alert_channels DROP COLUMN deleted_at`);
    await q.query(`ALTER TABLE alert_routes DROP COLUMN reasons`);
    await q.query(`DROP INDEX IF EXISTS alert_deliveries_channel_idx`);
    await q.query(`DROP INDEX IF EXISTS alerts_undispatched_idx`);
    await q.query(`DROP INDEX IF EXISTS alerts_batch_idx`);
    await q.query(`DROP INDEX IF EXISTS alerts_window_idx`);
    await q.query(
      `ALTER TABLE alerts DROP COLUMN batch_id, DROP COLUMN message_id, DROP COLUMN channel_ids, DROP COLUMN route_ids, DROP COLUMN dispatched_at`,
    );
    await q.query(`DELETE FROM alerts WHERE reason IN ('repeated', 'test') OR violation_id IS NULL`);
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_reason_check`);
    await q.query(`
      ALTER TABLE alerts ADD CONSTRAINT alerts_reason_check
        CHECK (reason IN ('new', 'escalated', 'reopened', 'unacknowledged', 'test'))`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN violation_id SET NOT NULL`);
    await q.query(`DROP TABLE IF EXISTS violation_changes`);
    await q.query(`DROP INDEX IF EXISTS findings_unconverted_idx`);
    await q.query(`DROP INDEX IF EXISTS findings_violation_idx`);
    await q.query(`ALTER TABLE findings DROP COLUMN violation_id`);
    await q.query(`DROP INDEX IF EXISTS violations_assigned_idx`);
    await q.query(`DROP INDEX IF EXISTS violations_unack_critical_idx`);
    await q.query(`DROP INDEX IF EXISTS violations_group_idx`);
    await q.query(`
      ALTER TABLE violations
        DROP COLUMN resolution_note, DROP COLUMN closed_by, DROP COLUMN unack_escalated_at, DROP COLUMN critical_at,
        DROP COLUMN recurrence_of, DROP COLUMN base_severity, DROP COLUMN group_key`);
    await q.query(
      `DELETE FROM alerts WHERE violation_id IN (SELECT id FROM violations WHERE user_id IS NULL)`,
    );
    await q.query(`DELETE FROM violations WHERE user_id IS NULL`);
    await q.query(`ALTER TABLE violations ALTER COLUMN user_id SET NOT NULL`);
  }
}
