import { MigrationInterface, QueryRunner } from 'typeorm';

const BY = 'migration:CcpaCaliforniaBySubdivision';
const RULE_IDS = ['CCPA-01', 'CCPA-02', 'CCPA-04', 'CCPA-05'];
const OLD =
  '(viewer.region == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsStateIsCalifornia))';
const NEW =
  '(viewer.subdivision == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsState == "california"))';
const OLD_PARAMETER = 'unknownUsStateIsCalifornia';
const NEW_PARAMETER = 'unknownUsState';
const PARAMETER = {
  type: 'string',
  default: 'not_california',
  oneOf: ['not_california', 'california'],
  description:
    'How to treat a US viewer whose state (ISO 3166-2 subdivision) is unknown: "not_california" (default) ' +
    'or "california" (as a California resident).',
};

/**
 * The CCPA rules that applied to every US viewer whose state was unknown (unknownUsStateIsCalifornia,
 * default true) now select California by the viewer's subdivision, and an unknown US state counts as not
 * Californian unless the new parameter says otherwise. The seed only inserts rules that are missing, so a
 * database seeded before keeps the old version 1: this publishes version 2 of each such rule — only where
 * the current rule is still the unedited seed (version 1 by 'seed', old condition); a rule someone edited
 * is left to them. Enabled flags are kept.
 */
export class CcpaCaliforniaBySubdivision1766100000000 implements MigrationInterface {
  name = 'CcpaCaliforniaBySubdivision1766100000000';

  async up(q: QueryRunner): Promise<void> {
    const rows: Array<{ rule_id: string }> = await q.query(
      `SELECT rule_id FROM compliance_rules
        WHERE rule_id = ANY($1::text[]) AND is_current AND version = 1 AND created_by = 'seed'
          AND strpos(definition->>'condition', $2) > 0
        FOR UPDATE`,
      [RULE_IDS, OLD],
    );
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.rule_id);
    await q.query(`UPDATE compliance_rules SET is_current = false WHERE rule_id = ANY($1::text[]) AND version = 1`, [
      ids,
    ]);
    await q.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT rule_id, 2, framework, reference, severity, title, description, remediation, triggers,
              definition || jsonb_build_object(
                'version', 2,
                'condition', replace(definition->>'condition', $2, $3),
                'parameters', ((definition->'parameters') - $4::text) || jsonb_build_object($5::text, $6::jsonb)),
              enabled, true, $7
         FROM compliance_rules WHERE rule_id = ANY($1::text[]) AND version = 1`,
      [ids, OLD, NEW, OLD_PARAMETER, NEW_PARAMETER, JSON.stringify(PARAMETER), BY],
    );
    await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    const removed: Array<{ rule_id: string }> = await q.query(
      `SELECT rule_id FROM compliance_rules
        WHERE rule_id = ANY($1::text[]) AND version = 2 AND created_by = $2 AND is_current`,
      [RULE_IDS, BY],
    );
    if (removed.length === 0) return;
    const ids = removed.map((r) => r.rule_id);
    await q.query(`DELETE FROM compliance_rules WHERE rule_id = ANY($1::text[]) AND version = 2 AND created_by = $2`, [
      ids,
      BY,
    ]);
    await q.query(`UPDATE compliance_rules SET is_current = true WHERE rule_id = ANY($1::text[]) AND version = 1`, [
      ids,
    ]);
    await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
  }
}
