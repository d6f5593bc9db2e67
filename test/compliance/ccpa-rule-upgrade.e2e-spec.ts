import { DataSource } from 'typeorm';
import { CcpaCaliforniaBySubdivision1766100000000 } from '../../migrations/1766100000000-CcpaCaliforniaBySubdivision';
import { SEED_RULES } from '../../src/compliance/rule-packs';
import { openRuleUpgradeDatabase, RuleUpgradeDatabase } from './rule-upgrade-support';

const OLD_CALIFORNIA =
  '(viewer.region == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsStateIsCalifornia))';
const NEW_CALIFORNIA =
  '(viewer.subdivision == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsState == "california"))';

/** A CCPA rule as the seed shipped it before subdivisions. */
function oldSeed(id: string) {
  const current = SEED_RULES.find((r) => r.id === id)!;
  expect(current.condition).toContain(NEW_CALIFORNIA);
  const { unknownUsState, ...others } = current.parameters ?? {};
  expect(unknownUsState).toBeDefined();
  return {
    ...current,
    version: 1,
    condition: current.condition.replace(NEW_CALIFORNIA, OLD_CALIFORNIA),
    parameters: {
      ...others,
      unknownUsStateIsCalifornia: { type: 'boolean', default: true, description: 'old' },
    },
  };
}

describe('CCPA upgrade of a database seeded before subdivisions', () => {
  let db: RuleUpgradeDatabase;
  let ds: DataSource;
  const migration = new CcpaCaliforniaBySubdivision1766100000000();

  beforeAll(async () => {
    db = await openRuleUpgradeDatabase('ccpa_upgrade');
    ds = db.ds;
  });
  afterAll(() => db.close());

  const insertV1 = (def: object, createdBy?: string, enabled?: boolean) =>
    db.insertV1(def, createdBy, enabled);
  const current = (id: string) => db.current(id);
  const revision = () => db.revision();

  it('publishes version 2 of each unedited seeded CCPA rule, keeps enabled flags, leaves edited ones, and reverts', async () => {
    await insertV1(oldSeed('CCPA-01'), 'seed', false);
    await insertV1(oldSeed('CCPA-02'));
    await insertV1({ ...oldSeed('CCPA-04'), condition: 'false' }, 'officer@example.test');
    const before = await revision();
    await ds.transaction((tx) => migration.up(tx.queryRunner!));

    for (const [id, enabled] of [
      ['CCPA-01', false],
      ['CCPA-02', true],
    ] as const) {
      const v2 = await current(id);
      const seed = SEED_RULES.find((r) => r.id === id)!;
      expect(v2).toMatchObject({
        version: 2,
        def_version: 2,
        enabled,
        created_by: 'migration:CcpaCaliforniaBySubdivision',
      });
      expect(v2.condition).toBe(seed.condition);
      expect(v2.parameters).toEqual(JSON.parse(JSON.stringify(seed.parameters)));
    }
    expect(await current('CCPA-04')).toMatchObject({ version: 1, condition: 'false' });
    expect(await revision()).toBe(before + 1);

    // Running again changes nothing; down restores version 1.
    await ds.transaction((tx) => migration.up(tx.queryRunner!));
    expect((await current('CCPA-01')).version).toBe(2);
    await ds.transaction((tx) => migration.down(tx.queryRunner!));
    expect(await current('CCPA-01')).toMatchObject({
      version: 1,
      enabled: false,
      condition: oldSeed('CCPA-01').condition,
    });
    expect((await current('CCPA-02')).version).toBe(1);
    await ds.query(`DELETE FROM compliance_rules WHERE rule_id LIKE 'CCPA-%'`);
  });
});
