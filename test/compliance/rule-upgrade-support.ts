import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { dropDatabase, migrate, recreateDatabase, TEST_DATABASE_URL } from '../support/test-database';

/**
 * A migrated database of a rule-upgrade test's own (beside the e2e database, named by `suffix`): the
 * test writes seeded-rule rows the shared database must not see. Dropped by `close`.
 */
export async function openRuleUpgradeDatabase(suffix: string): Promise<RuleUpgradeDatabase> {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `${url.pathname}_${suffix}`;
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  await migrate(databaseUrl);
  const ds = new DataSource({ ...typeormOptions(databaseUrl, 2), logging: false });
  await ds.initialize();
  return new RuleUpgradeDatabase(ds, databaseUrl);
}

export class RuleUpgradeDatabase {
  constructor(
    readonly ds: DataSource,
    private readonly databaseUrl: string,
  ) {}

  /** A rule as an older seed stored it: version 1, current. */
  insertV1(def: object, createdBy = 'seed', enabled = true): Promise<unknown> {
    return this.ds.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT d->>'id', 1, d->>'framework', d->>'reference', d->>'severity', d->>'title', d->>'description', d->>'remediation',
              ARRAY(SELECT jsonb_array_elements_text(d->'triggers')), d, $2, true, $3 FROM (SELECT $1::jsonb AS d) s`,
      [JSON.stringify(def), enabled, createdBy],
    );
  }

  /** The current version of a rule, as the upgrade tests compare it. */
  async current(ruleId: string): Promise<Record<string, any>> {
    const rows = await this.ds.query(
      `SELECT version, enabled, created_by, definition->>'condition' AS condition, definition->'parameters' AS parameters,
              (definition->>'version')::int AS def_version
         FROM compliance_rules WHERE rule_id = $1 AND is_current`,
      [ruleId],
    );
    return rows[0];
  }

  async revision(): Promise<number> {
    return Number((await this.ds.query(`SELECT revision FROM compliance_rule_revision`))[0].revision);
  }

  async close(): Promise<void> {
    await this.ds.destroy();
    await dropDatabase(this.databaseUrl);
  }
}
