import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { createUser, TestUser, tokenFor } from '../support/users';

// supertest picks a new port per request: every form request names the same host, as a browser would.
const HOST = 'queues.test';
const SAME_ORIGIN = `http://${HOST}`;
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
/** Every queue the product registers; a new queue belongs here and on the board. */
const PRODUCT_QUEUES = [
  'alert-delivery',
  'alerting',
  'compliance',
  'compliance-backtest',
  'dead-letter',
  'maintenance',
  'ml',
  'ml-training',
  'reception',
  'reports',
  'violation',
];

const form = (t: TestApp, path: string, headers: Record<string, string> = { Origin: SAME_ORIGIN }) => {
  const req = request(t.http).post(path).set('Host', HOST).set('Accept', BROWSER_ACCEPT).type('form');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  return req;
};
const cookiePair = (setCookie: string) => setCookie.split(';')[0];

describe('queue dashboard: login page and browser session', () => {
  let t: TestApp;
  let ds: DataSource;
  let operator: TestUser;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    ds = t.app.get(DataSource);
    operator = await createUser(t.app, [Role.Operator]);
  });
  afterAll(() => t.close());

  const auditActions = async (userId: string): Promise<string[]> =>
    (await ds.query(`SELECT action FROM audit_log WHERE target_id = $1 OR actor_id = $1 ORDER BY id`, [userId])).map((r: { action: string }) => r.action);
  const openSessions = async (userId: string): Promise<number> =>
    Number((await ds.query(`SELECT count(*) AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [userId]))[0].n);

  it('sends a browser without a session to the login page, and keeps the JSON 401 for API clients', async () => {
    const browser = await request(t.http).get('/admin/queues').set('Accept', BROWSER_ACCEPT).expect(303);
    expect(browser.headers.location).toBe('/admin/queues/login');
    const stale = await request(t.http).get('/admin/queues').set('Accept', BROWSER_ACCEPT).set('Cookie', 'ott_dashboard=not-a-token').expect(303);
    expect(stale.headers['set-cookie']?.[0]).toMatch(/^ott_dashboard=; Path=\/admin\/queues; Expires=Thu, 01 Jan 1970/);

    for (const accept of [undefined, 'application/json', '*/*']) {
      const req = request(t.http).get('/admin/queues');
      if (accept) req.set('Accept', accept);
      const res = await req.expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'authentication required', requestId: expect.any(String) });
    }
    await request(t.http).get('/admin/queues/api/queues').set('Accept', 'application/json').expect(401);
  });

  it('shows a browser whose account lacks the role the form and why (403); API clients get the JSON 403', async () => {
    const analyst = await tokenFor(t.app, [Role.Analyst]);
    const page = await request(t.http).get('/admin/queues').set('Accept', BROWSER_ACCEPT).set('Authorization', `Bearer ${analyst}`).expect(403);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('needs the operator or admin role');
    // Its form must keep its Origin when posted (helmet's no-referrer would make it "null").
    expect(page.headers['referrer-policy']).toBe('same-origin');
    const json = await request(t.http).get('/admin/queues').set('Authorization', `Bearer ${analyst}`).expect(403);
    expect(json.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'requires one of the roles: operator, admin' });
  });

  it('serves a self-contained login form that posts e-mail and password to the login route', async () => {
    const res = await request(t.http).get('/admin/queues/login').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.text).toMatch(/<form method="post" action="\/admin\/queues\/login">/);
    expect(res.text).toMatch(/name="email"/);
    expect(res.text).toMatch(/name="password" type="password"/);
    // Nothing loaded from elsewhere, and nothing the CSP would block.
    expect(res.text).not.toMatch(/<script|<link|src=|https?:\/\//);
  });

  it('opens a session for an operator: HttpOnly SameSite=Strict cookie, 303 to the board, audited like the API login', async () => {
    const res = await form(t, '/admin/queues/login').send({ email: operator.email, password: operator.password }).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
    const cookie = res.headers['set-cookie'][0] as string;
    expect(cookie).toMatch(/^ott_dashboard=.+; Max-Age=\d+; Path=\/admin\/queues; Expires=.+; HttpOnly; SameSite=Strict$/);
    const board = await request(t.http).get('/admin/queues').set('Accept', BROWSER_ACCEPT).set('Cookie', cookiePair(cookie)).expect(200);
    expect(board.headers['content-type']).toMatch(/^text\/html/);
    await request(t.http).get('/admin/queues/api/queues').set('Cookie', cookiePair(cookie)).expect(200);
    expect(await auditActions(operator.id)).toContain('auth.login.succeeded');
  });

  it('shows the form again with one generic message for a wrong password and for an unknown account (401, no cookie)', async () => {
    const user = await createUser(t.app, [Role.Operator]);
    const bodies: string[] = [];
    for (const credentials of [
      { email: user.email, password: 'not-the-password' },
      { email: `nobody-${user.id}@test.example`, password: 'whatever-it-is' },
    ]) {
      const res = await form(t, '/admin/queues/login').send(credentials).expect(401);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.text).toContain('Invalid e-mail or password.');
      expect(res.text).toMatch(/<form method="post"/);
      bodies.push(res.text.replace(/value="[^"]*"/, ''));
    }
    expect(bodies[0]).toBe(bodies[1]);
    expect(await auditActions(user.id)).toEqual(['auth.login.failed']);
    expect(await openSessions(user.id)).toBe(0);
  });

  it('escapes the e-mail it echoes back into the form', async () => {
    const res = await form(t, '/admin/queues/login').send({ email: "o'x&y@test.example", password: 'x' }).expect(401);
    expect(res.text).toContain('value="o&#39;x&amp;y@test.example"');
  });

  it('refuses a session to an account that is neither operator nor admin (403, says why, audited, no session opened)', async () => {
    for (const role of [Role.Analyst, Role.Auditor, Role.ComplianceOfficer]) {
      const user = await createUser(t.app, [role]);
      const res = await form(t, '/admin/queues/login').send({ email: user.email, password: user.password }).expect(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.text).toContain('needs the operator or admin role');
      expect(await auditActions(user.id)).toEqual(['auth.login.refused']);
      expect(await openSessions(user.id)).toBe(0);
    }
    const admin = await createUser(t.app, [Role.Admin]);
    await form(t, '/admin/queues/login').send({ email: admin.email, password: admin.password }).expect(303);
  });

  it('refuses a login form sent from another site, with no Origin, or with Origin null (CSRF), before checking credentials', async () => {
    const user = await createUser(t.app, [Role.Operator]);
    for (const headers of [
      { Origin: 'http://evil.example' },
      { Origin: `http://${HOST}.evil.example` },
      { Origin: 'null' },
      { Referer: 'http://evil.example/page' },
      {},
    ] as Record<string, string>[]) {
      const res = await form(t, '/admin/queues/login', headers).send({ email: user.email, password: user.password }).expect(403);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.text).toContain('the form was not sent from this site');
    }
    expect(await auditActions(user.id)).toEqual([]);
    // An old browser that sends only Referer, from our own page, gets in.
    await form(t, '/admin/queues/login', { Referer: `${SAME_ORIGIN}/admin/queues/login` }).send({ email: user.email, password: user.password }).expect(303);
    // An API client (no text/html) gets the usual JSON error body.
    const json = await request(t.http).post('/admin/queues/login').set('Origin', 'http://evil.example').type('form').send({ email: user.email, password: user.password }).expect(403);
    expect(json.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'the form was not sent from this site' });
  });

  it('answers invalid form fields with the form and the field named (400), never a 500', async () => {
    const res = await form(t, '/admin/queues/login').send({ email: 'not-an-address', password: 'x' }).expect(400);
    expect(res.text).toContain('email must be an e-mail address');
    const json = await request(t.http).post('/admin/queues/login').set('Host', HOST).set('Origin', SAME_ORIGIN).type('form').send('email=a%00b@test.example&password=x');
    expect(json.status).toBe(400);
    expect(json.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('email') });
    const post = (body: string) => request(t.http).post('/admin/queues/login').set('Host', HOST).set('Origin', SAME_ORIGIN).type('form').send(body);
    // Two short fields: a larger body or more than ten fields is refused before anything reads it.
    expect((await post(`email=${'a'.repeat(5000)}@test.example&password=x`)).status).toBe(413);
    expect((await post(`${'f=1&'.repeat(20)}email=a@test.example&password=x`)).status).toBe(413);
    expect((await post('email=a@test.example&email=b@test.example&password=x')).body).toMatchObject({ statusCode: 400, details: [{ field: 'email' }] });
  });

  it('logs out: clears the cookie, revokes the session (the old cookie stops working), audits it', async () => {
    const user = await createUser(t.app, [Role.Operator]);
    const login = await form(t, '/admin/queues/login').send({ email: user.email, password: user.password }).expect(303);
    const cookie = cookiePair(login.headers['set-cookie'][0]);
    await request(t.http).get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
    expect(await openSessions(user.id)).toBe(1);

    // The board's "Sign out" link shows a confirmation; only its POST acts, and only from our own page.
    const confirm = await request(t.http).get('/admin/queues/logout').set('Cookie', cookie).expect(200);
    expect(confirm.text).toMatch(/<form method="post" action="\/admin\/queues\/logout">/);
    await form(t, '/admin/queues/logout', { Origin: 'http://evil.example', Cookie: cookie }).expect(403);
    expect(await openSessions(user.id)).toBe(1);

    const out = await form(t, '/admin/queues/logout', { Origin: SAME_ORIGIN, Cookie: cookie }).expect(303);
    expect(out.headers.location).toBe('/admin/queues/login?signed-out');
    expect(out.headers['set-cookie'][0]).toMatch(/^ott_dashboard=; Path=\/admin\/queues; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    expect(await openSessions(user.id)).toBe(0);
    expect(await auditActions(user.id)).toEqual(['auth.login.succeeded', 'auth.logout']);
    // Sessions are re-read at most every few seconds by each API process.
    await waitFor(
      async () => (await request(t.http).get('/admin/queues/api/queues').set('Cookie', cookie)).status,
      (status) => status === 401,
    );
    const page = await request(t.http).get('/admin/queues/login?signed-out').expect(200);
    expect(page.text).toContain('You have signed out.');

    // A second logout (stale cookie, or none) changes nothing and audits nothing.
    await form(t, '/admin/queues/logout', { Origin: SAME_ORIGIN, Cookie: cookie }).expect(303);
    await form(t, '/admin/queues/logout', { Origin: SAME_ORIGIN }).expect(303);
    expect(await auditActions(user.id)).toEqual(['auth.login.succeeded', 'auth.logout']);
  });

  it('lists every queue of the product on the board, read-only', async () => {
    const token = await tokenFor(t.app, [Role.Operator]);
    const api = await request(t.http).get('/admin/queues/api/queues?activeQueue=&status=latest&page=1').set('Authorization', `Bearer ${token}`).expect(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(PRODUCT_QUEUES);
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });
});

describe('queue dashboard login: the same throttling as the API login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api', THROTTLE_LOGIN_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('counts form and API attempts against one account together, and says so in the form (429)', async () => {
    const user = await createUser(t.app, [Role.Operator]);
    await request(t.http).post('/api/v1/auth/login').send({ email: user.email, password: 'wrong-1' }).expect(401);
    await form(t, '/admin/queues/login').send({ email: user.email, password: 'wrong-2' }).expect(401);
    await form(t, '/admin/queues/login').send({ email: user.email, password: 'wrong-3' }).expect(401);
    const blocked = await form(t, '/admin/queues/login').send({ email: user.email, password: user.password }).expect(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.headers['content-type']).toMatch(/^text\/html/);
    expect(blocked.text).toMatch(/Too many requests/);
    expect(blocked.headers['set-cookie']).toBeUndefined();
    await request(t.http).post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(429);
  });
});

describe('queue dashboard login behind a trusted proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The tests reach the app from loopback; here loopback is the TLS-terminating proxy.
    t = await bootTestApp({ APP_ROLE: 'api', TRUSTED_PROXIES: 'loopback' });
  });
  afterAll(() => t.close());

  it('compares Origin with the host the proxy forwards, and marks the cookie Secure over TLS', async () => {
    const user = await createUser(t.app, [Role.Operator]);
    const viaProxy = { Host: 'app.internal:3000', 'X-Forwarded-Host': 'queues.example', 'X-Forwarded-Proto': 'https' };
    const res = await form(t, '/admin/queues/login', { ...viaProxy, Origin: 'https://queues.example' }).send({ email: user.email, password: user.password }).expect(303);
    expect(res.headers['set-cookie'][0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
    await form(t, '/admin/queues/login', { ...viaProxy, Origin: 'https://app.internal:3000' }).send({ email: user.email, password: user.password }).expect(403);
  });
});
