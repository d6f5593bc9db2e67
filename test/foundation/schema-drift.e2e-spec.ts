import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { ENTITIES } from '../../src/database/entities';
import { pendingSchemaChanges } from '../../src/database/schema-drift';
import { typeormOptions } from '../../src/database/typeorm-options';
import { TEST_DATABASE_URL } from '../support/test-database';

/** An entity that disagrees with the migrations: roles has no such column, and description is NOT NULL. */
@Entity({ name: 'roles' })
class DriftedRole {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'roles_pkey' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  colour: string | null;
}

async function changesWith(entities: Function[]): Promise<string[]> {
  const ds = new DataSource({ ...typeormOptions(TEST_DATABASE_URL, 1), entities, logging: false });
  await ds.initialize();
  try {
    return await pendingSchemaChanges(ds);
  } finally {
    await ds.destroy();
  }
}

describe('entities and migrations (schema drift check)', () => {
  it('the entities match the migrated schema: TypeORM has nothing to change', async () => {
    expect(ENTITIES.length).toBeGreaterThanOrEqual(12);
    expect(await changesWith(ENTITIES)).toEqual([]);
  });

  it('an entity that disagrees with the migrations is reported (and nothing is changed)', async () => {
    const changes = await changesWith([DriftedRole]);
    expect(changes.join('\n')).toMatch(/ALTER TABLE "roles" ADD "colour"/);
    expect(changes.join('\n')).toMatch(/"description" DROP NOT NULL/);
    // Only logged: the column was not added.
    const ds = new DataSource({ ...typeormOptions(TEST_DATABASE_URL, 1), entities: [], logging: false });
    await ds.initialize();
    const columns: { name: string }[] = await ds.query(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'roles' ORDER BY 1`,
    );
    await ds.destroy();
    expect(columns.map((c) => c.name)).toEqual(['description', 'name']);
  });

  it('synchronize stays off: the migrations own the schema', () => {
    const options = typeormOptions(TEST_DATABASE_URL);
    expect(options.synchronize).toBe(false);
    expect(options.migrationsRun ?? false).toBe(false);
  });
});
