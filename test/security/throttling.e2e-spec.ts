import request from 'supertest';
import Redis from 'ioredis';
import { Role } from '../../src/security/roles';
import { bootTestApp, TEST_REDIS_URL, TestApp } from '../support/test-app';
import { ExecutionContext, HttpException } from '@nestjs/common';
import { ApiKeyQuotaGuard } from '../../src/security/throttling/api-key-quota.guard';
import { loadConfig } from '../../src/config/app-config';

async function clearThrottleKeys(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', '*:throttle:*', 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** Two API processes sharing one Redis: the limits are the platform's, not one process's. */
describe('throttling across two app instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    await clearThrottleKeys();
    // One deployment (one prefix), two processes.
    const env = { THROTTLE_LOGIN_PER_MINUTE: '5', THROTTLE_PER_IP_PER_HOUR: '60', APP_ROLE: 'api', QUEUE_PREFIX: `throttle-test-${Date.now()}` };
    a = await bootTestApp(env);
    b = await bootTestApp(env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await clearThrottleKeys();
  });

  it('blocks login attempts past the per-account limit, alternating instances, with Retry-After', async () => {
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 7; i++) {
      const target = i % 2 === 0 ? a : b;
      last = await request(target.http).post('/api/v1/auth/login').send({ email: 'victim@test.example', password: `guess-${i}` });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('limits each client IP across all routes and both instances', async () => {
    await clearThrottleKeys();
    const statuses: number[] = [];
    for (let i = 0; i < 64; i++) {
      statuses.push((await request(i % 2 ? a.http : b.http).get('/api/v1/audit')).status);
    }
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429, 429, 429]);
  });
});

describe('per-API-key quota (guard against real Redis)', () => {
  let redis: Redis;

  beforeAll(async () => {
    await clearThrottleKeys();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await clearThrottleKeys();
  });

  it('answers 429 with Retry-After once a key has used its requests for the minute', async () => {
    const guard = new ApiKeyQuotaGuard(redis, loadConfig({ QUEUE_PREFIX: 'quota-test' }));
    const headers: Record<string, string> = {};
    const principal = { kind: 'api_key', userId: 'u', apiKeyId: `key-${Date.now()}`, roles: [Role.Ingest], apiKeyQuotaPerMinute: 3 };
    const context = {
      switchToHttp: () => ({
        getRequest: () => ({ principal }),
        getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
      }),
    } as unknown as ExecutionContext;
    for (let i = 0; i < 3; i++) await expect(guard.canActivate(context)).resolves.toBe(true);
    const refused = await guard.canActivate(context).catch((e: HttpException) => e);
    expect(refused).toBeInstanceOf(HttpException);
    expect((refused as HttpException).getStatus()).toBe(429);
    expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
    // Another key is not affected.
    await expect(guard.canActivate({ ...context, switchToHttp: () => ({ getRequest: () => ({ principal: { ...principal, apiKeyId: 'other-key' } }), getResponse: () => ({ setHeader: () => undefined }) }) } as unknown as ExecutionContext)).resolves.toBe(true);
  });
});
