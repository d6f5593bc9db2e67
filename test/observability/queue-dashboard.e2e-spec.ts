import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import request from 'supertest';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp } from '../support/test-app';
import { tokenFor } from '../support/users';

const cookieOf = async (t: TestApp, token: string, headers: Record<string, string> = {}): Promise<string> => {
  const req = request(t.http).post('/api/v1/auth/dashboard-session').set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return (await req.expect(204)).headers['set-cookie'][0] as string;
};

describe('queue dashboard: actions it does not offer answer 405', () => {
  let t: TestApp;
  let operator: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    operator = await tokenFor(t.app, [Role.Operator]);
  });
  afterAll(() => t.close());

  it.each([
    ['put', '/admin/queues/api/queues/pause'],
    ['put', '/admin/queues/api/queues/resume'],
    ['put', '/admin/queues/api/queues/compliance/pause'],
    ['put', '/admin/queues/api/queues/compliance/resume'],
    ['put', '/admin/queues/api/queues/compliance/retry/failed'],
    ['put', '/admin/queues/api/queues/compliance/clean/completed'],
    ['put', '/admin/queues/api/queues/compliance/empty'],
    ['put', '/admin/queues/api/queues/compliance/obliterate'],
    ['post', '/admin/queues/api/queues/compliance/add'],
    ['patch', '/admin/queues/api/queues/compliance/1/update-data'],
    ['delete', '/admin/queues/api/queues/compliance'],
  ] as const)('%s %s → 405 with a JSON error, and the queue is untouched', async (method, path) => {
    const res = await request(t.http)[method](path).set('Authorization', `Bearer ${operator}`).send({});
    expect(res.status).toBe(405);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body).toMatchObject({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: expect.stringContaining('read-only'),
      requestId: expect.any(String),
    });
    expect(await t.app.get<Queue>(getQueueToken('compliance')).isPaused()).toBe(false);
  });

  it('still authenticates first and still serves reads', async () => {
    await request(t.http).put('/admin/queues/api/queues/pause').expect(401);
    const analyst = await tokenFor(t.app, [Role.Analyst]);
    await request(t.http).put('/admin/queues/api/queues/pause').set('Authorization', `Bearer ${analyst}`).expect(403);
    await request(t.http).get('/admin/queues/api/queues').set('Authorization', `Bearer ${operator}`).expect(200);
  });
});

describe('queue dashboard cookie: Secure when the request came over TLS', () => {
  it('is Secure when a trusted proxy says https, not otherwise, and always HttpOnly and SameSite=Strict', async () => {
    // The tests reach the app from loopback; here loopback is the trusted TLS-terminating proxy.
    const t = await bootTestApp({ APP_ROLE: 'api', TRUSTED_PROXIES: 'loopback' });
    try {
      const operator = await tokenFor(t.app, [Role.Operator]);
      const overTls = await cookieOf(t, operator, { 'X-Forwarded-Proto': 'https' });
      expect(overTls).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
      const plain = await cookieOf(t, operator);
      expect(plain).toMatch(/; HttpOnly; SameSite=Strict$/);
      expect(plain).not.toMatch(/Secure/);
      const forwardedHttp = await cookieOf(t, operator, { 'X-Forwarded-Proto': 'http' });
      expect(forwardedHttp).not.toMatch(/Secure/);
    } finally {
      await t.close();
    }
  });

  it('does not believe X-Forwarded-Proto from a peer that is not a trusted proxy', async () => {
    const t = await bootTestApp({ APP_ROLE: 'api', TRUSTED_PROXIES: '10.9.9.9' });
    try {
      const operator = await tokenFor(t.app, [Role.Operator]);
      const spoofed = await cookieOf(t, operator, { 'X-Forwarded-Proto': 'https' });
      expect(spoofed).toMatch(/; HttpOnly; SameSite=Strict$/);
    } finally {
      await t.close();
    }
  });
});
