import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_REDIS_URL } from './test-app';
import { TEST_DATABASE_URL } from './test-database';

export const MAIN = join(__dirname, '../../dist/src/main.js');

/** Starts the compiled product as a separate worker process, as production runs it. */
export function startWorkerProcess(queuePrefix: string, env: Record<string, string> = {}): ChildProcess {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (scripts/test.sh does)`);
  return spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      APP_ROLE: 'worker',
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
