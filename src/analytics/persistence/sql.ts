/**
 * Analytics and reports run their SQL through this one function type, so the same queries serve
 * the app (a TypeORM DataSource or transaction) and plain scripts (a pg Client or Pool).
 */
export type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/**
 * `serial`: one query at a time, for a single connection (a pg Client queues concurrent queries
 * itself, but that is deprecated); a DataSource or Pool runs them side by side.
 */
export function sqlOf(db: Queryable, options: { serial?: boolean } = {}): Sql {
  let previous: Promise<unknown> = Promise.resolve();
  return async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const run = async () => {
      const result = await db.query(text, params);
      // TypeORM answers with the rows, pg with a result object holding them.
      return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
    };
    if (!options.serial) return run();
    const next = previous.then(run, run);
    previous = next.catch(() => undefined);
    return next;
  };
}

/** bigint and numeric columns come back as strings; answers carry numbers. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
