import { MigrationInterface, QueryRunner } from 'typeorm';

const BY = 'migration:VppaSelfDisclosure';
const OLD = '!(data.recipient in params.ordinaryCourseRecipients)';
const NEW = 'data.recipientType != "data_subject" && !(data.recipient in params.ordinaryCourseRecipients)';
const REFERENCE = '18 U.S.C. §2710(b)(1), (b)(2)(A), (b)(2)(B)(i)-(iii); PII = §2710(a)(3)';
const NOTE =
  ' Disclosure to the viewer themself (recipientType data_subject) is allowed by §2710(b)(2)(A).';

/**
 * VPPA-01 no longer fires for a disclosure to the viewer themself. The seed only inserts rules that
 * are missing, so a database seeded before keeps the old version 1: this publishes version 2 with the
 * exemption — only where the current VPPA-01 is still the unedited seed (version 1 by 'seed', old
 * condition); a rule someone edited is left to them. Its enabled flag is kept.
 */
export class VppaSelfDisclosure1766000200000 implements MigrationInterface {
  name = 'VppaSelfDisclosure1766000200000';

  async up(q: QueryRunner): Promise<void> {
    const rows: unknown[] = await q.query(
      `SELECT 1 FROM compliance_rules
        WHERE rule_id = 'VPPA-01' AND is_current AND version = 1 AND created_by = 'seed'
          AND strpos(definition->>'condition', $1) > 0 AND strpos(definition->>'condition', 'data_subject') = 0
        FOR UPDATE`,
      [OLD],
    );
    if (rows.length === 0) return;
    await q.query(`UPDATE compliance_rules SET is_current = false WHERE rule_id = 'VPPA-01' AND version = 1`);
    await q.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT rule_id, 2, framework, $3, severity, title, description || $4, remediation, triggers,
              definition || jsonb_build_object('version', 2, 'reference', $3::text,
                                               'description', (definition->>'description') || $4,
                                               'condition', replace(definition->>'condition', $1, $2)),
              enabled, true, $5
         FROM compliance_rules WHERE rule_id = 'VPPA-01' AND version = 1`,
      [OLD, NEW, REFERENCE, NOTE, BY],
    );
    await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const removed: unknown[] = await q.query(
      `SELECT 1 FROM compliance_rules WHERE rule_id = 'VPPA-01' AND version = 2 AND created_by = $1 AND is_current`,
      [BY],
    );
    if (removed.length === 0) return;
    await q.query(`DELETE FROM compliance_rules WHERE rule_id = 'VPPA-01' AND version = 2 AND created_by = $1`, [BY]);
    await q.query(`UPDATE compliance_rules SET is_current = true WHERE rule_id = 'VPPA-01' AND version = 1`);
    await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
  }
}
