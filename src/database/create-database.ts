/**
 * Creates the database named in DATABASE_URL when it does not exist yet, so a fresh machine
 * needs no hand-made database. Connects to the server's `postgres` database to do it.
 */
import { Client } from 'pg';
import { loadConfig } from '../config/app-config';

export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`DATABASE_URL names an unusual database "${name}"`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    // Identifiers cannot be bound as parameters; the name was checked against a strict pattern above.
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  createDatabaseIfMissing(loadConfig().databaseUrl)
    .then((created) => process.stdout.write(created ? 'database created\n' : 'database exists\n'))
    .catch((error: Error) => {
      process.stderr.write(`cannot create database: ${error.message}\n`);
      process.exit(1);
    });
}
