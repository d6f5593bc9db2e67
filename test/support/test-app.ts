import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { createApp } from '../../src/bootstrap';
import { TEST_DATABASE_URL } from './test-database';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** supertest target */
  http: ReturnType<INestApplication['getHttpServer']>;
  close(): Promise<void>;
}

/**
 * Boots the real application (the same createApp as production) against the e2e database and
 * real Redis. Each app gets its own queue prefix, so test files never see each other's jobs.
 */
export async function bootTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const queuePrefix = env.QUEUE_PREFIX ?? `test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: queuePrefix,
    DATABASE_POOL_SIZE: '5',
    // Every test talks from 127.0.0.1: generous limits unless a test sets its own.
    THROTTLE_PER_IP_PER_HOUR: '10000000',
    THROTTLE_LOGIN_PER_MINUTE: '10000',
    ...env,
  });
  const app = await createApp(config);
  await app.init();
  return {
    app,
    config,
    http: app.getHttpServer(),
    close: async () => {
      await app.close();
      // The queues' keys go from the Redis the tests share (which may not be the app's, when a
      // test points the app at an unreachable one).
      await deleteQueueKeys(TEST_REDIS_URL, queuePrefix);
    },
  };
}

/** Removes a test's queues from Redis (SCAN, never KEYS). */
export async function deleteQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until the condition holds; tests wait for state, never for a fixed time. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }
  return last;
}
