import { DataSource } from 'typeorm';
import { VppaSelfDisclosure1766000200000 } from '../../migrations/1766000200000-VppaSelfDisclosure';
import { SEED_RULES } from '../../src/compliance/rule-packs';
import { typeormOptions } from '../../src/database/typeorm-options';
import { migrate, recreateDatabase, TEST_DATABASE_URL } from '../support/test-database';

const url = new URL(TEST_DATABASE_URL);
// A database of its own: the test writes VPPA-01 rows the shared e2e database must not see.
url.pathname = `${url.pathname}_vppa_upgrade`;
const DB = url.toString();

const NEW_PART = 'data.recipientType != "data_subject" && ';

/** VPPA-01 as the seed shipped it before the self-disclosure exemption. */
function oldSeed() {
  const current = SEED_RULES.find((r) => r.id === 'VPPA-01')!;
  expect(current.condition).toContain(NEW_PART);
  return { ...current, version: 1, condition: current.condition.replace(NEW_PART, '') };
}

describe('VPPA-01 upgrade of a database seeded before the self-disclosure exemption', () => {
  let ds: DataSource;
  const migration = new VppaSelfDisclosure1766000200000();

  beforeAll(async () => {
    await recreateDatabase(DB);
    await migrate(DB);
    ds = new DataSource({ ...typeormOptions(DB, 2), logging: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    const admin = new URL(DB);
    admin.pathname = '/postgres';
    const a = new DataSource({ ...typeormOptions(admin.toString(), 1), logging: false });
    await a.initialize();
    await a.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`);
    await a.destroy();
  });

  const insertV1 = (def: object, createdBy = 'seed', enabled = true) =>
    ds.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       SELECT d->>'id', 1, d->>'framework', d->>'reference', d->>'severity', d->>'title', d->>'description', d->>'remediation',
              ARRAY(SELECT jsonb_array_elements_text(d->'triggers')), d, $2, true, $3 FROM (SELECT $1::jsonb AS d) s`,
      [JSON.stringify(def), enabled, createdBy],
    );
  const current = async () =>
    (
      await ds.query(
        `SELECT version, enabled, created_by, definition->>'condition' AS condition, (definition->>'version')::int AS def_version
           FROM compliance_rules WHERE rule_id = 'VPPA-01' AND is_current`,
      )
    )[0];
  const revision = async () => Number((await ds.query(`SELECT revision FROM compliance_rule_revision`))[0].revision);

  it('publishes version 2 with the exemption over the unedited seed, keeps its enabled flag, and reverts', async () => {
    await insertV1(oldSeed(), 'seed', false);
    const before = await revision();
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    const v2 = await current();
    expect(v2).toMatchObject({ version: 2, def_version: 2, enabled: false, created_by: 'migration:VppaSelfDisclosure' });
    expect(v2.condition).toBe(SEED_RULES.find((r) => r.id === 'VPPA-01')!.condition);
    expect(await revision()).toBe(before + 1);

    // Running again changes nothing; down restores version 1.
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    expect((await current()).version).toBe(2);
    await ds.transaction((tx) => migration.down(tx.queryRunner!));
    expect(await current()).toMatchObject({ version: 1, enabled: false });
    expect((await current()).condition).not.toContain('data_subject');
    await ds.query(`DELETE FROM compliance_rules WHERE rule_id = 'VPPA-01'`);
  });

  it('leaves a VPPA-01 someone edited alone', async () => {
    await insertV1({ ...oldSeed(), condition: 'false' }, 'officer@example.test');
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    expect(await current()).toMatchObject({ version: 1, condition: 'false' });
    await ds.query(`DELETE FROM compliance_rules WHERE rule_id = 'VPPA-01'`);
  });
});
