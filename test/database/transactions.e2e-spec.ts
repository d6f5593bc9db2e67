import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { sqlState } from '../../src/database/sql';
import { Transactions } from '../../src/database/transactions';
import { TEST_DATABASE_URL } from '../support/test-database';

// A table of this test's own, so it touches nothing another test reads.
const TABLE = `tx_deadlock_${process.pid}`;

/** Resolves once `count` callers have arrived. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === count) release();
    return all;
  };
}

describe('Transactions (real PostgreSQL)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({ ...typeormOptions(TEST_DATABASE_URL, 4), logging: false });
    await ds.initialize();
    await ds.query(`CREATE TABLE ${TABLE} (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`INSERT INTO ${TABLE} VALUES (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await ds.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await ds.destroy();
  });

  /**
   * Two transactions lock rows 1 and 2 in opposite orders; the barrier makes sure each holds its first
   * lock before it asks for the second, so PostgreSQL must abort one of them with a deadlock.
   */
  function crossedUpdates(run: (work: (tx: { query: DataSource['query'] }) => Promise<void>) => Promise<void>) {
    const bothLocked = barrier(2);
    const tries: Record<string, number> = { a: 0, b: 0 };
    const update = (name: 'a' | 'b', first: number, second: number) =>
      run(async (tx) => {
        tries[name]++;
        await tx.query(`UPDATE ${TABLE} SET n = n + 1 WHERE id = $1`, [first]);
        // Only the first try of each waits for the other: a retried transaction runs straight through.
        if (tries[name] === 1) await bothLocked();
        await tx.query(`UPDATE ${TABLE} SET n = n + 1 WHERE id = $1`, [second]);
      });
    return { tries, outcome: Promise.allSettled([update('a', 1, 2), update('b', 2, 1)]) };
  }

  it('runs a deadlocked transaction again, so both commit their work exactly once', async () => {
    await ds.query(`UPDATE ${TABLE} SET n = 0`);
    const transactions = new Transactions(ds);
    const { tries, outcome } = crossedUpdates((work) => transactions.run(work));
    const results = await outcome;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // One of the two was the deadlock's victim and ran a second time.
    expect(tries.a + tries.b).toBe(3);
    const rows: { id: number; n: number }[] = await ds.query(`SELECT id, n FROM ${TABLE} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('(control) the same two transactions without the helper: one fails with a deadlock', async () => {
    await ds.query(`UPDATE ${TABLE} SET n = 0`);
    const { outcome } = crossedUpdates((work) => ds.transaction(work));
    const results = await outcome;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(sqlState(failed[0].reason)).toBe('40P01');
  });
});
