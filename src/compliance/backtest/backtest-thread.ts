/**
 * Entry of the worker thread a back-test runs in (see thread-runner.ts for its budgets): its own
 * database connection and rule language, the replay, one message with the report or the error. Loaded
 * by file name, compiled; nothing here runs in the API process.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { seedRuleLanguage } from '../rule-packs';
import type { BacktestInput } from '../domain/backtest-run';
import { BacktestReplay } from './backtest-replay';

export interface BacktestThreadData {
  databaseUrl: string;
  input: BacktestInput;
}

async function main(data: BacktestThreadData): Promise<void> {
  const client = new Client({ connectionString: data.databaseUrl, application_name: 'ott-backtest' });
  await client.connect();
  try {
    const connection = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows };
    const result = await new BacktestReplay(seedRuleLanguage()).run(connection, data.input);
    parentPort!.postMessage({ result });
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (parentPort) {
  main(workerData as BacktestThreadData).catch((error: Error) => {
    parentPort!.postMessage({ error: error.message.split('\n')[0] });
  });
}
