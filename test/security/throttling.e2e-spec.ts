import request from 'supertest';
import Redis from 'ioredis';
import { Role } from '../../src/security/roles';
import { bootTestApp, TEST_REDIS_URL, TestApp } from '../support/test-app';
import { makeEvent } from '../support/events';
import { createUser, login } from '../support/users';

/** Removes this suite's throttle counters (its own deployment prefix only). */
async function clearThrottleKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:throttle:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** Two API processes sharing one Redis: the limits are the platform's, not one process's. */
describe('throttling across two app instances', () => {
  let a: TestApp;
  let b: TestApp;
  const prefix = `throttle-test-${Date.now()}`;

  beforeAll(async () => {
    // One deployment (one prefix), two processes.
    const env = { THROTTLE_LOGIN_PER_MINUTE: '5', THROTTLE_PER_IP_PER_HOUR: '60', APP_ROLE: 'api', QUEUE_PREFIX: prefix };
    a = await bootTestApp(env);
    b = await bootTestApp(env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await clearThrottleKeys(prefix);
  });

  it('blocks login attempts past the per-account limit, alternating instances, with Retry-After', async () => {
    await clearThrottleKeys(prefix);
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

  it('answers a login whose e-mail is an object with a 400, not a 500 from the throttler', async () => {
    await clearThrottleKeys(prefix);
    // String() of this object throws: the per-account throttler runs before validation.
    const res = await request(a.http).post('/api/v1/auth/login').send({ email: { toString: null }, password: 'x' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain('email');
  });

  it('limits each client IP across all routes and both instances', async () => {
    await clearThrottleKeys(prefix);
    const statuses: number[] = [];
    for (let i = 0; i < 64; i++) {
      statuses.push((await request(i % 2 ? a.http : b.http).get('/api/v1/audit')).status);
    }
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429, 429, 429]);
  });
});

/**
 * Producers and people are limited differently: an API key that authenticates by its own quota
 * per minute (shared by every API process), everyone else by the per-IP hourly limit. All the
 * requests here come from 127.0.0.1.
 */
describe('API keys are limited by their quota, not by the per-IP limit', () => {
  const PER_IP = 50;
  const KEY_QUOTA = 120;
  const prefix = `key-quota-test-${Date.now()}`;
  let a: TestApp;
  let b: TestApp;
  let key: string;
  let analyst: string;

  const ingest = (target: TestApp, apiKey: string) =>
    request(target.http).post('/api/v1/events').set('X-API-Key', apiKey).send(makeEvent());

  beforeAll(async () => {
    const env = { THROTTLE_PER_IP_PER_HOUR: String(PER_IP), APP_ROLE: 'api', QUEUE_PREFIX: prefix };
    a = await bootTestApp(env);
    b = await bootTestApp(env);
    const admin = await createUser(a.app, [Role.Admin]);
    const adminToken = (await login(a.app, admin)).accessToken;
    key = (
      await request(a.http)
        .post('/api/v1/admin/api-keys')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ name: 'quota e2e', requestsPerMinute: KEY_QUOTA })
        .expect(201)
    ).body.key;
    analyst = (await login(a.app, await createUser(a.app, [Role.Analyst]))).accessToken;
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await clearThrottleKeys(prefix);
  });

  it('lets one key from one IP go far past the per-IP limit, until its own quota, then 429 with Retry-After', async () => {
    await clearThrottleKeys(prefix);
    const statuses: number[] = [];
    for (let i = 0; i < KEY_QUOTA; i++) statuses.push((await ingest(i % 2 ? a : b, key)).status);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);

    const refused = await ingest(a, key).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.message).toMatch(/quota of 120 requests a minute/);
    // Counted once across both processes.
    await ingest(b, key).expect(429);
  });

  it('leases a large quota in parts: the shared counter moves by leases, never past the requests plus one lease per process', async () => {
    await clearThrottleKeys(prefix);
    const adminToken = (await login(a.app, await createUser(a.app, [Role.Admin]))).accessToken;
    const busy = await request(a.http)
      .post('/api/v1/admin/api-keys')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ name: 'busy producer', requestsPerMinute: 100_000 })
      .expect(201);
    for (let i = 0; i < 40; i++) await ingest(i % 2 ? a : b, busy.body.key).expect(202);
    const redis = new Redis(TEST_REDIS_URL);
    const [counter] = await redis.keys(`${prefix}:throttle:lease:*`);
    const counted = Number(await redis.get(counter));
    redis.disconnect();
    // A lease is a thousandth of the quota (100 here): each process took one lease of 100 and spent 20
    // of it locally (counted one by one, the counter would read 40).
    expect(counted).toBe(2 * 100);
  });

  it('still limits a JWT user from the same IP per IP, and the key requests did not count there', async () => {
    await clearThrottleKeys(prefix);
    for (let i = 0; i < PER_IP + 10; i++) await ingest(a, key).expect(202);
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 1; i++) {
      statuses.push((await request(b.http).get('/api/v1/alerts?limit=1').set('Authorization', `Bearer ${analyst}`)).status);
    }
    expect(statuses.slice(0, PER_IP).every((s) => s === 200)).toBe(true);
    expect(statuses[PER_IP]).toBe(429);
    // The IP is blocked now, and the key still sends.
    await ingest(a, key).expect(202);
  });

  it('limits unknown, revoked-looking and malformed keys per IP: only a key that authenticates is exempt', async () => {
    await clearThrottleKeys(prefix);
    const forged = `${key.slice(0, -4)}abcd`;
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP + 2; i++) {
      const presented = i % 3 === 0 ? forged : i % 3 === 1 ? 'ott_AAAAAAAAAAAA_' + 'x'.repeat(43) : 'not-a-key';
      statuses.push((await ingest(i % 2 ? a : b, presented)).status);
    }
    expect(statuses.slice(0, PER_IP).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(PER_IP)).toEqual([429, 429]);
  });
});
