import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ott_compliance_test';

/** Drops and re-creates a database, so a run starts from an empty schema. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  await onServer(databaseUrl, (admin, name) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  await onServer(databaseUrl, (admin, name) => admin.query(`CREATE DATABASE "${name}"`));
}

/** Drops a database a test created for itself (never one it did not create). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await onServer(databaseUrl, (admin, name) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Runs a statement about the URL's database from the server's `postgres` database. */
async function onServer(databaseUrl: string, work: (admin: Client, name: string) => Promise<unknown>): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.replace(/^\//, '');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await work(admin, name);
  } finally {
    await admin.end();
  }
}

export async function migrate(databaseUrl: string): Promise<void> {
  const dataSource = new DataSource(typeormOptions(databaseUrl, 2));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/** The e2e database: re-created and migrated once per run (jest globalSetup). */
export async function prepareTestDatabase(): Promise<void> {
  await recreateDatabase(TEST_DATABASE_URL);
  await migrate(TEST_DATABASE_URL);
}
