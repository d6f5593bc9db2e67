// Fails (exit 1) when the TypeORM entities and the migrated schema disagree: run it against a database
// the migrations were just applied to (DATABASE_URL). It prints the statements TypeORM would run.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { pendingSchemaChanges } from './schema-drift';
import { typeormOptions } from './typeorm-options';

async function main(): Promise<number> {
  const dataSource = new DataSource({ ...typeormOptions(loadConfig().databaseUrl, 1), logging: false });
  await dataSource.initialize();
  try {
    const pending = await dataSource.showMigrations();
    if (pending) {
      console.error('schema drift check: the database has pending migrations; run them first');
      return 1;
    }
    const changes = await pendingSchemaChanges(dataSource);
    if (changes.length === 0) {
      process.stdout.write(`schema drift check: ${dataSource.entityMetadatas.length} entities match the migrations\n`);
      return 0;
    }
    console.error(`schema drift check: the entities and the migrations disagree (${changes.length} statements):`);
    for (const change of changes) console.error(`  ${change};`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('schema drift check failed:', error);
    process.exit(1);
  },
);
