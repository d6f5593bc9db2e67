/**
 * Recomputes every rollup from the raw tables, e.g. after a bulk load or a restore:
 *
 *   node dist/src/analytics/rebuild-rollups.js [--fold]
 *
 * --fold runs one incremental fold instead (what the scheduler does every 20 s). Either way the
 * cache generations of the rebuilt rollups are bumped in Redis, so cached answers retire at once.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ResilientCache } from '../cache/resilient-cache';
import { loadConfig } from '../config/app-config';
import { typeormOptions } from '../database/typeorm-options';
import { redisOptionsFromUrl } from '../database/redis-connection';
import { Transactions } from '../database/transactions';
import { RollupWatermarksRepository } from './persistence/rollup-watermarks.repository';
import { RollupsRepository } from './persistence/rollups.repository';
import { RollupMaintainer } from './rollups/rollup-maintainer';

async function main(): Promise<void> {
  // stdout carries the result as one JSON line; only problems are logged (to stderr).
  Logger.overrideLogger(['error', 'warn']);
  const config = loadConfig();
  const dataSource = new DataSource(typeormOptions(config.databaseUrl, 2));
  const redis = new Redis({
    ...redisOptionsFromUrl(config.redisUrl),
    maxRetriesPerRequest: 1,
    connectionName: 'ott-rollups',
  });
  await dataSource.initialize();
  try {
    await new Promise((resolve) =>
      redis.status === 'ready' ? resolve(null) : redis.once('ready', resolve).once('error', resolve),
    );
    const maintainer = new RollupMaintainer(
      new Transactions(dataSource),
      new RollupWatermarksRepository(dataSource),
      new RollupsRepository(dataSource),
      new ResilientCache(redis, { namespace: `${config.queuePrefix}:cache:` }),
    );
    const result = process.argv.includes('--fold') ? await maintainer.fold() : await maintainer.rebuild();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    redis.disconnect();
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`rebuild failed: ${error.message}\n`);
    process.exit(1);
  });
}
