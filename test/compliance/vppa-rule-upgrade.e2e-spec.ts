import { DataSource } from 'typeorm';
import { VppaSelfDisclosure1766000200000 } from '../../migrations/1766000200000-VppaSelfDisclosure';
import { SEED_RULES } from '../../src/compliance/rule-packs';
import { openRuleUpgradeDatabase, RuleUpgradeDatabase } from './rule-upgrade-support';

const NEW_PART = 'data.recipientType != "data_subject" && ';

/** VPPA-01 as the seed shipped it before the self-disclosure exemption. */
function oldSeed() {
  const current = SEED_RULES.find((r) => r.id === 'VPPA-01')!;
  expect(current.condition).toContain(NEW_PART);
  return { ...current, version: 1, condition: current.condition.replace(NEW_PART, '') };
}

describe('VPPA-01 upgrade of a database seeded before the self-disclosure exemption', () => {
  let db: RuleUpgradeDatabase;
  let ds: DataSource;
  const migration = new VppaSelfDisclosure1766000200000();

  beforeAll(async () => {
    db = await openRuleUpgradeDatabase('vppa_upgrade');
    ds = db.ds;
  });
  afterAll(() => db.close());

  const insertV1 = (def: object, createdBy?: string, enabled?: boolean) =>
    db.insertV1(def, createdBy, enabled);
  const current = () => db.current('VPPA-01');
  const revision = () => db.revision();

  it('publishes version 2 with the exemption over the unedited seed, keeps its enabled flag, and reverts', async () => {
    await insertV1(oldSeed(), 'seed', false);
    const before = await revision();
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    const v2 = await current();
    expect(v2).toMatchObject({
      version: 2,
      def_version: 2,
      enabled: false,
      created_by: 'migration:VppaSelfDisclosure',
    });
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
