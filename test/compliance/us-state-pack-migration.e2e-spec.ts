import { DataSource } from 'typeorm';
import { UsStatePrivacyPack1766600000000 } from '../../migrations/1766600000000-UsStatePrivacyPack';
import { RuleSet } from '../../src/compliance/domain/rule-set';
import type { RuleDefinition } from '../../src/compliance/domain/rule';
import { seedRuleLanguage } from '../../src/compliance/rule-packs';
import { US_STATE_PACK } from '../../src/compliance/rule-packs/us-states.pack';
import { openRuleUpgradeDatabase, RuleUpgradeDatabase } from './rule-upgrade-support';

const IDS = US_STATE_PACK.map((r) => r.id);

describe('US state pack migration', () => {
  let db: RuleUpgradeDatabase;
  let ds: DataSource;
  const migration = new UsStatePrivacyPack1766600000000();

  beforeAll(async () => {
    db = await openRuleUpgradeDatabase('us_states');
    ds = db.ds;
  });
  afterAll(() => db.close());

  const stored = async (): Promise<
    Array<{ rule_id: string; version: number; created_by: string; definition: RuleDefinition }>
  > =>
    ds.query(
      `SELECT rule_id, version, created_by, definition FROM compliance_rules
        WHERE rule_id = ANY($1::text[]) AND is_current ORDER BY rule_id`,
      [IDS],
    );

  it('a migrated database holds every rule of the pack as the unedited seed, and they compile', async () => {
    const rows = await stored();
    expect(rows.map((r) => r.rule_id)).toEqual([...IDS].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ version: 1, created_by: 'seed' });
      expect(row.definition).toEqual(
        JSON.parse(JSON.stringify(US_STATE_PACK.find((r) => r.id === row.rule_id))),
      );
    }
    // What the workers do with the stored rows: compile them (a rule that fails here would stop the stage).
    const compiled = RuleSet.compile(
      rows.map((r) => r.definition),
      seedRuleLanguage(),
    );
    expect(compiled.rules).toHaveLength(IDS.length);
  });

  it('down removes only the unedited seed rules; up restores the missing ones and bumps the revision', async () => {
    // An officer published version 2 of one rule: down must keep it.
    await ds.query(
      `UPDATE compliance_rules SET is_current = false WHERE rule_id = 'US-CO-04' AND version = 1`,
    );
    await ds.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT rule_id, 2, framework, reference, severity, title, description, remediation, triggers,
              definition || '{"version": 2}'::jsonb, enabled, true, 'officer@example.test'
         FROM compliance_rules WHERE rule_id = 'US-CO-04' AND version = 1`,
    );
    const before = await db.revision();
    await ds.transaction((tx) => migration.down(tx.queryRunner!));
    expect((await stored()).map((r) => [r.rule_id, r.version])).toEqual([['US-CO-04', 2]]);
    expect(await db.revision()).toBe(before + 1);

    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    const rows = await stored();
    expect(rows).toHaveLength(IDS.length);
    expect(rows.find((r) => r.rule_id === 'US-CO-04')).toMatchObject({
      version: 2,
      created_by: 'officer@example.test',
    });
    expect(await db.revision()).toBe(before + 2);

    // Nothing missing: up changes nothing, not even the revision.
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    expect(await db.revision()).toBe(before + 2);
    await ds.query(`DELETE FROM compliance_rules WHERE rule_id = ANY($1::text[])`, [IDS]);
  });
});
