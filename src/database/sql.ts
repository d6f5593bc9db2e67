import type { DataSource, EntityManager } from 'typeorm';

/**
 * What a repository needs to run SQL: the EntityManager of the current transaction, or the DataSource
 * outside one. Repositories take it as a parameter, so the caller decides the transaction (and, later,
 * a tenant scope can be added in the repositories alone).
 */
export type Sql = Pick<EntityManager, 'query'>;

/** The SQLSTATE of a failed statement, whether the driver's error came bare or wrapped by TypeORM. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const wrapped = (error as { driverError?: { code?: unknown } }).driverError?.code;
  const code = typeof wrapped === 'string' ? wrapped : (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs a statement as a named prepared statement on the transaction's connection, so PostgreSQL plans
 * it once per connection rather than once per call (planning a large set-based statement can cost as
 * much as running it for a small batch). Outside a transaction it is an ordinary query. The one place
 * that reaches below TypeORM's query API to the driver's client.
 */
export async function preparedQuery<T>(sql: Sql, name: string, text: string, values: unknown[]): Promise<T[]> {
  const runner = (sql as Partial<EntityManager>).queryRunner;
  if (!runner?.isTransactionActive) return sql.query(text, values);
  const client = (await runner.connect()) as {
    query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
  };
  return (await client.query({ name, text, values })).rows;
}

/**
 * Runs one statement on its own (autocommit: the statement is its transaction) as a named prepared
 * statement on a pooled connection, straight through the driver: for the hottest single-statement
 * writes, where TypeORM's query runner (a runner per call, its bookkeeping) costs more CPU than the
 * statement. Errors are the driver's own (sqlState() reads them like TypeORM's).
 */
export async function autocommitPrepared<T>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as unknown as {
    master: { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> };
  }).master;
  return (await pool.query({ name, text, values })).rows;
}

/**
 * Takes a transaction-scoped advisory lock: concurrent transactions asking for the same key wait
 * for each other until commit (used to serialise rare, global changes such as the first admin).
 */
export async function advisoryXactLock(sql: Sql, key: number): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1)', [key]);
}

/** One round trip that needs nothing but a working connection (readiness probes). */
export async function ping(sql: Sql): Promise<void> {
  await sql.query('SELECT 1');
}
