import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { MIGRATIONS } from '../../migrations';
import { recreateDatabase, TEST_DATABASE_URL } from '../support/test-database';

const url = new URL(TEST_DATABASE_URL);
// Named after the e2e database, so two runs with different TEST_DATABASE_URLs never share it.
url.pathname = `${url.pathname}_migrations`;
const MIGRATIONS_DB = url.toString();

async function userTables(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await ds.query(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
        AND c.relname !~ '^raw_events_p[0-9]{8}$'
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

describe('migrations', () => {
  let ds: DataSource;

  beforeAll(async () => {
    await recreateDatabase(MIGRATIONS_DB);
    ds = new DataSource({ ...typeormOptions(MIGRATIONS_DB, 2), logging: false });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('apply to an empty database, revert completely, and apply again', async () => {
    const first = await ds.runMigrations({ transaction: 'each' });
    expect(first).toHaveLength(MIGRATIONS.length);
    const tables = await userTables(ds);
    expect(tables).toEqual(
      expect.arrayContaining([
        'users', 'roles', 'user_roles', 'api_keys', 'refresh_tokens', 'audit_log', 'raw_events',
        'processed_events', 'consents', 'dsar_requests', 'user_risk', 'user_segments', 'ml_models',
        'violations', 'alerts', 'rollup_events_hourly', 'pipeline_batches', 'event_receipts',
      ]),
    );

    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await userTables(ds)).toEqual([]);

    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again).toHaveLength(MIGRATIONS.length);
    expect(await userTables(ds)).toEqual(tables);
  });

  it('partitions raw_events by day, creating partitions ahead and on demand, and drops old ones', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const ahead: { name: string }[] = await ds.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'raw_events'`,
    );
    expect(ahead.map((r) => r.name)).toContain(`raw_events_p${today.replace(/-/g, '')}`);
    expect(ahead.length).toBeGreaterThanOrEqual(8);

    await ds.query(`SELECT ensure_raw_event_partitions('2024-02-28', '2024-03-01')`);
    await ds.query(
      `INSERT INTO raw_events (event_id, occurred_at, type, user_id, payload)
       VALUES (gen_random_uuid(), '2024-02-29T23:59:59Z', 'auth.logout', 'u-1', '{}')`,
    );
    const [{ part }] = await ds.query(`SELECT tableoid::regclass::text AS part FROM raw_events WHERE user_id = 'u-1'`);
    expect(part).toBe('raw_events_p20240229');

    const [{ dropped }] = await ds.query(`SELECT drop_raw_event_partitions_before('2024-03-01') AS dropped`);
    expect(dropped).toBe(2);
    const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM raw_events WHERE user_id = 'u-1'`);
    expect(count).toBe(0);
  });

  it('keeps the audit log append-only for the application', async () => {
    await ds.query(
      `INSERT INTO audit_log (actor_type, action, prev_hash, hash) VALUES ('system', 'test.append', 'x', 'y')`,
    );
    await expect(ds.query(`UPDATE audit_log SET action = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
