import { MigrationInterface, QueryRunner } from 'typeorm';
import { US_STATE_PACK } from '../src/compliance/rule-packs/us-states.pack';

const SEED = 'seed';

/**
 * Publishes the US state privacy pack (US-<state>-01…05, framework "US state privacy") as version 1 of
 * each rule, by 'seed', where the rule id is not stored yet — exactly what the start-up seed would insert,
 * but at migration time, so a deployment has the rules (and a revision bump that makes running workers
 * recompile) before any worker starts. A rule id someone already created is left alone.
 *
 * The definitions come from the pack's table and templates. Version 1 is frozen once shipped (a unit test
 * pins it): a later correction is a new version published by its own migration, like
 * CcpaCaliforniaBySubdivision, so that databases seeded before receive it too.
 */
export class UsStatePrivacyPack1766600000000 implements MigrationInterface {
  name = 'UsStatePrivacyPack1766600000000';

  async up(q: QueryRunner): Promise<void> {
    const definitions = US_STATE_PACK.map((rule) => {
      const { enabled: _enabled, ...stored } = { ...rule, version: 1 };
      return stored;
    });
    const inserted: unknown[] = await q.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT d->>'id', 1, d->>'framework', d->>'reference', d->>'severity', d->>'title', d->>'description',
              d->>'remediation', ARRAY(SELECT jsonb_array_elements_text(d->'triggers')), d, true, true, $2
         FROM jsonb_array_elements($1::jsonb) AS d
        WHERE NOT EXISTS (SELECT 1 FROM compliance_rules r WHERE r.rule_id = d->>'id')
       ON CONFLICT DO NOTHING
       RETURNING rule_id`,
      [JSON.stringify(definitions), SEED],
    );
    if (inserted.length > 0) {
      await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
    }
  }

  /** Removes the pack's rules that are still the unedited seed (only version 1, by 'seed'); edited ones stay. */
  async down(q: QueryRunner): Promise<void> {
    const removed: unknown[] = await q.query(
      `DELETE FROM compliance_rules r
        WHERE r.rule_id = ANY($1::text[]) AND r.version = 1 AND r.created_by = $2 AND r.is_current
          AND NOT EXISTS (SELECT 1 FROM compliance_rules o WHERE o.rule_id = r.rule_id AND o.version <> 1)
       RETURNING r.rule_id`,
      [US_STATE_PACK.map((r) => r.id), SEED],
    );
    if (removed.length > 0) {
      await q.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
    }
  }
}
