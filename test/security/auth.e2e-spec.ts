import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { createUser, login, TestUser } from '../support/users';

describe('authentication', () => {
  let t: TestApp;
  let admin: TestUser;
  const secret = 'e2e-secret-that-is-long-enough-0123456789';

  beforeAll(async () => {
    t = await bootTestApp({ JWT_SECRET: secret, THROTTLE_LOGIN_PER_MINUTE: '1000' });
    admin = await createUser(t.app, [Role.Admin]);
  });
  afterAll(() => t.close());

  const adminUsers = (token: string) => request(t.http).get('/api/v1/admin/users').set('Authorization', `Bearer ${token}`);

  it('logs in and answers with an access token, a refresh token and its lifetime', async () => {
    const tokens = await login(t.app, admin);
    expect(tokens).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    await adminUsers(tokens.accessToken).expect(200);
  });

  it('refuses a wrong password and an unknown account with the same answer', async () => {
    const wrong = await request(t.http).post('/api/v1/auth/login').send({ email: admin.email, password: 'not-the-password' }).expect(401);
    const unknown = await request(t.http).post('/api/v1/auth/login').send({ email: 'nobody@test.example', password: 'whatever-it-is' }).expect(401);
    expect(wrong.body.message).toBe(unknown.body.message);
  });

  it('validates the login body field by field', async () => {
    const res = await request(t.http).post('/api/v1/auth/login').send({ email: 'not-an-email', password: 'x', extra: 1 }).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['email', 'extra']);
  });

  describe('refuses bad access tokens with 401', () => {
    const claims = () => ({ sub: admin.id, email: admin.email, roles: ['admin'], sid: '00000000-0000-4000-8000-000000000000' });
    const base = { issuer: 'ott-compliance', audience: 'ott-compliance-api' };

    it('expired', async () => {
      const token = sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, secret, { ...base, algorithm: 'HS256' });
      const res = await adminUsers(token).expect(401);
      expect(res.body.message).toBe('invalid or expired token');
    });

    it('without exp, although signed with the secret, issuer and audience right', async () => {
      const token = sign(claims(), secret, { ...base, algorithm: 'HS256' });
      expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).not.toHaveProperty('exp');
      const res = await adminUsers(token).expect(401);
      expect(res.body.message).toBe('invalid or expired token');
    });

    it('tampered (signature does not match the payload)', async () => {
      const { accessToken } = await login(t.app, admin);
      const [header, payload, signature] = accessToken.split('.');
      const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['admin', 'auditor'] })).toString('base64url');
      await adminUsers(`${header}.${altered}.${signature}`).expect(401);
    });

    it('signed with another key', async () => {
      await adminUsers(sign(claims(), 'another-secret-of-sufficient-length-000', { ...base, algorithm: 'HS256', expiresIn: 60 })).expect(401);
    });

    it('alg none', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ ...claims(), iss: base.issuer, aud: base.audience, exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
      await adminUsers(`${header}.${payload}.`).expect(401);
    });

    it('wrong issuer or audience, with a message that names neither the expected issuer nor the audience', async () => {
      const answers = [
        await adminUsers(sign(claims(), secret, { issuer: 'someone-else', audience: base.audience, algorithm: 'HS256', expiresIn: 60 })).expect(401),
        await adminUsers(sign(claims(), secret, { issuer: base.issuer, audience: 'another-api', algorithm: 'HS256', expiresIn: 60 })).expect(401),
      ];
      for (const res of answers) {
        expect(res.body.message).toBe('invalid or expired token');
        expect(JSON.stringify(res.body)).not.toMatch(/ott-compliance|expected/);
      }
    });
  });

  it('rotates refresh tokens, and a reused one revokes the whole session', async () => {
    const first = await login(t.app, admin);
    const second = (await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await adminUsers(second.accessToken).expect(200);

    const reuse = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    expect(reuse.body.message).toMatch(/already used/);
    // The thief's and the owner's tokens of that session are now both dead.
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    // Session state is cached for up to 5 s per process: the access token dies within that.
    await waitFor(async () => (await adminUsers(second.accessToken)).status, (status) => status === 401, { timeoutMs: 8000, intervalMs: 250 });
  });

  it('logout revokes the session', async () => {
    const tokens = await login(t.app, admin);
    await request(t.http).post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
  });

  it('stores refresh tokens and passwords only hashed (argon2id)', async () => {
    const tokens = await login(t.app, admin);
    const ds = t.app.get(DataSource);
    const [{ found }] = await ds.query(`SELECT count(*)::int AS found FROM refresh_tokens WHERE token_hash = $1`, [tokens.refreshToken]);
    expect(found).toBe(0);
    const [{ password_hash }] = await ds.query(`SELECT password_hash FROM users WHERE id = $1`, [admin.id]);
    expect(password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a disabled user is refused at login', async () => {
    const user = await createUser(t.app, [Role.Analyst]);
    await t.app.get(DataSource).query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [user.id]);
    await request(t.http).post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
  });
});
