import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '../../dist/src/main.js');

describe('start-up with bad configuration', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (scripts/test.sh does)`);
  });

  it.each([
    [{ PORT: 'eighty' }, 'Invalid configuration: PORT must be a whole number, got "eighty"'],
    [{ APP_ROLE: 'everything' }, 'Invalid configuration: APP_ROLE must be one of api, worker, all, got "everything"'],
    [{ NODE_ENV: 'production', JWT_SECRET: '' }, 'Invalid configuration: JWT_SECRET is required when NODE_ENV=production'],
  ])('stops with one line naming the variable (%j)', (env, line) => {
    const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(78);
    expect(result.stderr.trim()).toBe(line);
  });
});
