import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { createUser, login, TestUser, tokenFor } from '../support/users';

describe('admin management and the audit trail', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminToken: string;
  const as = (token: string) => ({
    get: (url: string) => request(t.http).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object = {}) => request(t.http).post(url).set('Authorization', `Bearer ${token}`).send(body),
    patch: (url: string, body: object) => request(t.http).patch(url).set('Authorization', `Bearer ${token}`).send(body),
    put: (url: string) => request(t.http).put(url).set('Authorization', `Bearer ${token}`),
    delete: (url: string) => request(t.http).delete(url).set('Authorization', `Bearer ${token}`),
  });

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await createUser(t.app, [Role.Admin]);
    adminToken = (await login(t.app, admin)).accessToken;
  });
  afterAll(() => t.close());

  it('creates a user who can log in, lists users without secrets, and refuses a duplicate e-mail with 409', async () => {
    const res = await as(adminToken)
      .post('/api/v1/admin/users', { email: 'Officer.One@test.example', displayName: 'Officer One', password: 'officer-password-1', roles: ['compliance_officer'] })
      .expect(201);
    expect(res.body).toMatchObject({ email: 'officer.one@test.example', roles: ['compliance_officer'] });
    expect(res.body.passwordHash).toBeUndefined();
    await login(t.app, { email: 'officer.one@test.example', password: 'officer-password-1' });
    const list = await as(adminToken).get('/api/v1/admin/users?limit=500').expect(200);
    expect(list.body.items.some((u: { email: string }) => u.email === 'officer.one@test.example')).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    await as(adminToken)
      .post('/api/v1/admin/users', { email: 'officer.one@test.example', displayName: 'Again', password: 'officer-password-1', roles: [] })
      .expect(409);
  });

  it('names the field and the problem on bad input', async () => {
    const res = await as(adminToken).post('/api/v1/admin/users', { email: 'x@test.example', displayName: 'X', password: 'short', roles: ['wizard'] }).expect(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { field: 'password', problems: ['password must be 12 to 1024 characters long'] },
        { field: 'roles', problems: [expect.stringContaining('each role must be one of')] },
      ]),
    );
    await as(adminToken).get('/api/v1/admin/users/not-a-uuid').expect(400);
    await as(adminToken).get('/api/v1/admin/users/00000000-0000-4000-8000-000000000000').expect(404);
  });

  it('grants and revokes roles, refusing changes to your own with 409', async () => {
    const analyst = await createUser(t.app, [Role.Analyst]);
    const granted = await as(adminToken).post(`/api/v1/admin/users/${analyst.id}/roles`, { role: 'auditor' }).expect(200);
    expect(granted.body.roles).toEqual(['analyst', 'auditor']);
    const revoked = await as(adminToken).delete(`/api/v1/admin/users/${analyst.id}/roles/analyst`).expect(200);
    expect(revoked.body.roles).toEqual(['auditor']);
    const self = await as(adminToken).post(`/api/v1/admin/users/${admin.id}/roles`, { role: 'auditor' }).expect(409);
    expect(self.body.message).toBe('you cannot change your own roles');
  });

  it('disables a user, ending their sessions', async () => {
    const victim = await createUser(t.app, [Role.Analyst]);
    const session = await login(t.app, victim);
    const res = await as(adminToken).patch(`/api/v1/admin/users/${victim.id}`, { disabled: true }).expect(200);
    expect(res.body.disabledAt).toEqual(expect.any(String));
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await request(t.http).post('/api/v1/auth/login').send({ email: victim.email, password: victim.password }).expect(401);
  });

  it('refuses to disable yourself, and never leaves the platform without an active admin', async () => {
    const self = await as(adminToken).patch(`/api/v1/admin/users/${admin.id}`, { disabled: true }).expect(409);
    expect(self.body.message).toBe('you cannot disable your own account');

    // Leave exactly two active admins, A and B, who try to disable each other at the same moment.
    const ds = t.app.get(DataSource);
    const a = await createUser(t.app, [Role.Admin]);
    const b = await createUser(t.app, [Role.Admin]);
    await ds.query(`UPDATE users SET disabled_at = now() WHERE id <> ALL($1::uuid[]) AND id IN (SELECT user_id FROM user_roles WHERE role = 'admin')`, [[a.id, b.id]]);
    const tokenA = (await login(t.app, a)).accessToken;
    const tokenB = (await login(t.app, b)).accessToken;
    await as(tokenA).get('/api/v1/admin/users').expect(200);
    await as(tokenB).get('/api/v1/admin/users').expect(200);
    const [byA, byB] = await Promise.all([
      as(tokenA).patch(`/api/v1/admin/users/${b.id}`, { disabled: true }),
      as(tokenB).patch(`/api/v1/admin/users/${a.id}`, { disabled: true }),
    ]);
    expect([byA.status, byB.status].sort()).toEqual([200, 409]);
    expect([byA, byB].find((r) => r.status === 409)!.body.message).toBe('refused: this is the last active admin');
    const [{ active }] = await ds.query(
      `SELECT count(*)::int AS active FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'admin' AND u.disabled_at IS NULL`,
    );
    expect(active).toBe(1);
    // Restore the suite's admin for the tests that follow.
    await ds.query(`UPDATE users SET disabled_at = NULL WHERE id = $1`, [admin.id]);
    adminToken = (await login(t.app, admin)).accessToken;
  });

  it('re-reads roles on every request: a revoked role stops working within seconds', async () => {
    const holder = await createUser(t.app, [Role.Admin]);
    const token = (await login(t.app, holder)).accessToken;
    await as(token).get('/api/v1/admin/users').expect(200);
    await as(adminToken).delete(`/api/v1/admin/users/${holder.id}/roles/admin`).expect(200);
    await waitFor(async () => (await as(token).get('/api/v1/admin/users')).status, (s) => s === 403, { timeoutMs: 8000, intervalMs: 250 });
  });

  it('creates an API key shown once, stores only its hash, and revokes it', async () => {
    const created = await as(adminToken).post('/api/v1/admin/api-keys', { name: 'Playout EU', requestsPerMinute: 1200 }).expect(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^ott_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await as(adminToken).get('/api/v1/admin/api-keys').expect(200);
    // The secret is base64url and may itself contain '_': take everything after the prefix.
    const secret = key.slice('ott_'.length + 12 + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const [row] = await t.app.get(DataSource).query(`SELECT key_hash FROM api_keys WHERE id = $1`, [created.body.apiKey.id]);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);

    // Authenticated (ingest role), but not allowed on the audit log.
    const forbidden = await request(t.http).get('/api/v1/audit').set('X-API-Key', key).expect(403);
    expect(forbidden.body.message).toMatch(/requires one of the roles: auditor, admin/);
    await request(t.http).get('/api/v1/audit').set('X-API-Key', `${key.slice(0, -1)}x`).expect(401);

    await as(adminToken).put(`/api/v1/admin/api-keys/${created.body.apiKey.id}/revoke`).expect(200);
    const revoked = await request(t.http).get('/api/v1/audit').set('X-API-Key', key).expect(401);
    expect(revoked.body.message).toBe('invalid or revoked API key');
  });

  it('records logins, failures and admin actions in the audit log, filterable and paged', async () => {
    const auditor = await tokenFor(t.app, [Role.Auditor]);
    await request(t.http).post('/api/v1/auth/login').send({ email: admin.email, password: 'wrong-password!' }).expect(401);
    const failures = await as(auditor).get(`/api/v1/audit?action=auth.login.failed&limit=5`).expect(200);
    expect(failures.body.items[0]).toMatchObject({ action: 'auth.login.failed', actorId: admin.id, ip: expect.any(String), requestId: expect.any(String) });
    const created = await as(auditor).get(`/api/v1/audit?action=admin.api_key.created`).expect(200);
    expect(created.body.items.length).toBeGreaterThan(0);
    const page1 = await as(auditor).get('/api/v1/audit?limit=2').expect(200);
    const page2 = await as(auditor).get(`/api/v1/audit?limit=2&before=${page1.body.nextBefore}`).expect(200);
    expect(Number(page2.body.items[0].id)).toBeLessThan(Number(page1.body.items[1].id) + 0.5);
    await as(auditor).get('/api/v1/audit?from=yesterday').expect(400);
  });

  it('verifies the hash chain, and detects a row altered behind the application\'s back', async () => {
    const auditor = await tokenFor(t.app, [Role.Auditor]);
    const ok = await as(auditor).get('/api/v1/audit/verify').expect(200);
    expect(ok.body).toMatchObject({ valid: true, firstBreak: null });
    expect(ok.body.checked).toBeGreaterThan(5);

    const ds = t.app.get(DataSource);
    const [{ id }] = await ds.query(`SELECT id::text FROM audit_log WHERE action = 'auth.login.failed' ORDER BY id LIMIT 1`);
    // Only an operator who switches triggers off can do this; the chain still shows it.
    await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(`UPDATE audit_log SET action = 'auth.login.succeeded' WHERE id = $1`, [id]);
    });
    const broken = await as(auditor).get('/api/v1/audit/verify').expect(200);
    expect(broken.body).toMatchObject({ valid: false, firstBreak: { id, reason: 'hash does not match the entry' } });
    await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(`UPDATE audit_log SET action = 'auth.login.failed' WHERE id = $1`, [id]);
    });
    expect((await as(auditor).get('/api/v1/audit/verify').expect(200)).body.valid).toBe(true);
  });
});
