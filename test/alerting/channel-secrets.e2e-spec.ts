import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import { startWebhookReceiver, WebhookReceiver } from './support/receivers';

const TOKEN = 'Zq8s3cr3tT0k3nVa1ue4711';

const client = (t: TestApp) => (token: string) => ({
  get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  post: (path: string, body: object = {}) =>
    request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  patch: (path: string, body: object) =>
    request(t.http).patch(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  delete: (path: string) => request(t.http).delete(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
});

describe('alerting: channel targets and receiver answers stay with those allowed to see them', () => {
  let t: TestApp;
  let ds: DataSource;
  let as: ReturnType<typeof client>;
  let slack: WebhookReceiver;
  let failing: WebhookReceiver;
  let smtp: SMTPServer;
  const tokens = {} as Record<Role, string>;
  const channelIds: string[] = [];

  beforeAll(async () => {
    slack = await startWebhookReceiver(`/services/T0AAAA111/B0BBBB222/${TOKEN}`);
    failing = await startWebhookReceiver('/hook');
    // An SMTP server that refuses every recipient, naming an internal host in its reply.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`<${address.address}> unknown at mx-internal-3.corp`), { responseCode: 550 }));
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    t = await bootTestApp({
      APP_ROLE: 'all',
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      ALERT_DELIVERY_BACKOFF_MS: '50',
      ALERT_DELIVERY_ATTEMPTS: '2',
    });
    ds = t.app.get(DataSource);
    as = client(t);
    for (const role of [Role.Admin, Role.ComplianceOfficer, Role.Analyst, Role.Auditor, Role.Operator])
      tokens[role] = await tokenFor(t.app, [role]);
  });

  afterAll(async () => {
    // Channels are global: leave none usable behind.
    await ds.query(
      `UPDATE alert_channels SET enabled = false, deleted_at = coalesce(deleted_at, now()) WHERE id = ANY($1::uuid[])`,
      [channelIds],
    );
    await t.close();
    await slack.close();
    await failing.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const create = async (body: object) => {
    const res = await as(tokens[Role.ComplianceOfficer]).post('/alerts/channels', body).expect(201);
    channelIds.push(res.body.channel.id);
    return res.body as { channel: { id: string; target: string }; secret?: string };
  };

  it('shows a Slack target in full only in the creation answer, masked in every other answer', async () => {
    const port = new URL(slack.url).port;
    const created = await create({ name: `slack-secret-${Date.now()}`, type: 'slack', target: slack.url });
    expect(created.channel.target).toBe(slack.url);
    const id = created.channel.id;
    const masked = `http://127.0.0.1:${port}/services/T0…`;

    for (const role of [Role.Admin, Role.ComplianceOfficer, Role.Auditor, Role.Operator]) {
      const listed = await as(tokens[role]).get('/alerts/channels').expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(TOKEN);
      expect(listed.body.find((c: { id: string }) => c.id === id).target).toBe(masked);
      const one = await as(tokens[role]).get(`/alerts/channels/${id}`).expect(200);
      expect(one.body.target).toBe(masked);
    }

    const renamed = await as(tokens[Role.Admin])
      .patch(`/alerts/channels/${id}`, { name: `slack-renamed-${Date.now()}` })
      .expect(200);
    expect(renamed.body.target).toBe(masked);
    // Sending back the masked target it was shown leaves the real one in place.
    const echoed = await as(tokens[Role.Admin]).patch(`/alerts/channels/${id}`, { target: masked }).expect(200);
    expect(echoed.body.target).toBe(masked);
    const [stored] = await ds.query(`SELECT target FROM alert_channels WHERE id = $1`, [id]);
    expect(stored.target).toBe(slack.url);

    // The alert views name the channel, never its target; and it still delivers to the full URL.
    const test = await as(tokens[Role.ComplianceOfficer]).post(`/alerts/channels/${id}/test`).expect(202);
    const alert = await waitFor(
      async () => (await as(tokens[Role.Operator]).get(`/alerts/${test.body.alertId}`).expect(200)).body,
      (a) => a.deliveries[0]?.status === 'delivered',
    );
    expect(slack.received.length).toBeGreaterThan(0);
    expect(JSON.stringify(alert)).not.toContain(TOKEN);
    const listedAlerts = await as(tokens[Role.Auditor]).get(`/alerts?channelId=${id}`).expect(200);
    expect(JSON.stringify(listedAlerts.body)).not.toContain(TOKEN);
  });

  it('masks query-string secrets of a webhook target in its update and rotation answers', async () => {
    const target = `${failing.url}?token=${TOKEN}`;
    const created = await create({ name: `webhook-query-${Date.now()}`, type: 'webhook', target });
    expect(created.channel.target).toBe(target);
    const id = created.channel.id;
    const retarget = `${failing.url}/v2?token=${TOKEN}x`;
    const updated = await as(tokens[Role.ComplianceOfficer]).patch(`/alerts/channels/${id}`, { target: retarget }).expect(200);
    expect(updated.body.target).toBe(`http://127.0.0.1:${new URL(failing.url).port}/h…`);
    const rotated = await as(tokens[Role.ComplianceOfficer]).post(`/alerts/channels/${id}/rotate-secret`).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(rotated.body.channel)).not.toContain(TOKEN);
    const [stored] = await ds.query(`SELECT target FROM alert_channels WHERE id = $1`, [id]);
    expect(stored.target).toBe(retarget);
  });

  it('writes targets into the audit log masked, on create, update and delete', async () => {
    const created = await create({ name: `audited-${Date.now()}`, type: 'slack', target: slack.url });
    const id = created.channel.id;
    await as(tokens[Role.Admin]).patch(`/alerts/channels/${id}`, { target: `${slack.url}/again` }).expect(200);
    await as(tokens[Role.Admin]).delete(`/alerts/channels/${id}`).expect(204);

    const rows: { action: string; details: { target?: string } }[] = await ds.query(
      `SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'alerting.channel.created',
      'alerting.channel.updated',
      'alerting.channel.deleted',
    ]);
    for (const row of rows) {
      expect(row.details.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/services\/T0…$/);
      expect(JSON.stringify(row.details)).not.toContain(TOKEN);
    }
    const audit = await as(tokens[Role.Auditor]).get(`/audit?targetId=${id}`).expect(200);
    expect(audit.body.items).toHaveLength(3);
    expect(JSON.stringify(audit.body)).not.toContain(TOKEN);
  });

  it("shows a receiver's error body to admins and operators only", async () => {
    const body = `stack trace at internal-billing-7.corp:5432 for ${TOKEN}`;
    failing.respondWith(502, body);
    const created = await create({ name: `failing-${Date.now()}`, type: 'webhook', target: failing.url });
    const test = await as(tokens[Role.ComplianceOfficer]).post(`/alerts/channels/${created.channel.id}/test`).expect(202);
    const alertId = test.body.alertId;
    await waitFor(
      async () => (await as(tokens[Role.Admin]).get(`/alerts/${alertId}`).expect(200)).body,
      (a) => a.attempts.length === 2,
    );

    for (const role of [Role.Admin, Role.Operator]) {
      const one = (await as(tokens[role]).get(`/alerts/${alertId}`).expect(200)).body;
      expect(one.attempts.map((a: { error: string }) => a.error)).toEqual(['HTTP 502', 'HTTP 502']);
      expect(one.attempts.map((a: { responseBody: string }) => a.responseBody)).toEqual([body, body]);
      expect(one.deliveries[0]).toMatchObject({ status: 'dead', httpStatus: 502, error: 'HTTP 502', responseBody: body });
      const listed = (await as(tokens[role]).get(`/alerts?channelId=${created.channel.id}`).expect(200)).body;
      expect(listed.items[0].deliveries[0]).toMatchObject({ error: 'HTTP 502', responseBody: body });
    }

    for (const role of [Role.Analyst, Role.ComplianceOfficer, Role.Auditor]) {
      const one = (await as(tokens[role]).get(`/alerts/${alertId}`).expect(200)).body;
      expect(JSON.stringify(one)).not.toContain('internal-billing');
      expect(one.attempts).toHaveLength(2);
      for (const attempt of one.attempts) {
        expect(attempt).toMatchObject({ status: expect.any(String), httpStatus: 502, error: 'HTTP 502' });
        expect(attempt).not.toHaveProperty('responseBody');
      }
      expect(one.deliveries[0]).toMatchObject({ status: 'dead', httpStatus: 502, error: 'HTTP 502' });
      expect(one.deliveries[0]).not.toHaveProperty('responseBody');
      const listed = (await as(tokens[role]).get(`/alerts?channelId=${created.channel.id}`).expect(200)).body;
      expect(JSON.stringify(listed)).not.toContain('internal-billing');
      expect(listed.items[0].deliveries[0]).toMatchObject({ status: 'dead', error: 'HTTP 502' });
    }
    failing.respondWith(200);
  });

  it("shows an SMTP server's reply to admins and operators only, and e-mail recipients unmasked", async () => {
    const created = await create({ name: `mail-${Date.now()}`, type: 'email', target: 'soc@example.com' });
    const listed = await as(tokens[Role.Auditor]).get(`/alerts/channels/${created.channel.id}`).expect(200);
    expect(listed.body.target).toBe('soc@example.com');
    const test = await as(tokens[Role.ComplianceOfficer]).post(`/alerts/channels/${created.channel.id}/test`).expect(202);
    const dead = await waitFor(
      async () => (await as(tokens[Role.Operator]).get(`/alerts/${test.body.alertId}`).expect(200)).body,
      (a) => a.deliveries[0]?.status === 'dead',
    );
    expect(dead.attempts).toHaveLength(1); // a 5xx reply is permanent
    expect(dead.attempts[0]).toMatchObject({ error: 'SMTP 550 (EENVELOPE)', responseBody: expect.stringContaining('mx-internal-3.corp') });
    for (const role of [Role.Analyst, Role.ComplianceOfficer, Role.Auditor]) {
      const one = (await as(tokens[role]).get(`/alerts/${test.body.alertId}`).expect(200)).body;
      expect(one.attempts[0]).toMatchObject({ status: 'dead', error: 'SMTP 550 (EENVELOPE)' });
      expect(JSON.stringify(one)).not.toContain('mx-internal');
    }
  });

  it('refuses, when sending, an IPv4-compatible IPv6 target that embeds a link-local address', async () => {
    // Saved behind the API's back (as before a policy change): the send-time check must refuse it.
    const [row] = await ds.query(
      `INSERT INTO alert_channels (name, type, target, secret, created_by)
       VALUES ($1, 'webhook', 'http://[::a9fe:a9fe]:9/hook', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==', 'test') RETURNING id`,
      [`compat-${Date.now()}`],
    );
    channelIds.push(row.id);
    const test = await as(tokens[Role.ComplianceOfficer]).post(`/alerts/channels/${row.id}/test`).expect(202);
    const detail = await waitFor(
      async () => (await as(tokens[Role.Admin]).get(`/alerts/${test.body.alertId}`)).body,
      (a) => a.attempts.length > 0 && a.deliveries[0]?.status === 'dead',
    );
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ status: 'dead', httpStatus: null });
    expect(detail.attempts[0].error).toMatch(/IPv4-compatible form of 169\.254\.169\.254 \(linkLocal\)/);
  });
});

describe('alerting: webhook targets in IPv6 forms of private IPv4 addresses are refused when saved', () => {
  let t: TestApp;
  let officer: string;
  let channelId: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    officer = await tokenFor(t.app, [Role.ComplianceOfficer]);
    const [row] = await t.app.get(DataSource).query(
      `INSERT INTO alert_channels (name, type, target, secret, enabled, created_by)
       VALUES ($1, 'webhook', 'https://hooks.example.com/x', 'whsec_dGVzdA==', false, 'test') RETURNING id`,
      [`ipv6-forms-${Date.now()}`],
    );
    channelId = row.id;
  });
  afterAll(async () => {
    await t.app.get(DataSource).query(`UPDATE alert_channels SET deleted_at = now() WHERE id = $1`, [channelId]);
    await t.close();
  });

  it.each([
    ['http://[::127.0.0.1]/', 'IPv4-compatible form of 127.0.0.1 (loopback)'],
    ['http://[::7f00:1]/', 'IPv4-compatible form of 127.0.0.1 (loopback)'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped form of 127.0.0.1 (loopback)'],
    ['http://[64:ff9b::a9fe:a9fe]/latest/meta-data', 'NAT64 form of 169.254.169.254 (linkLocal)'],
    ['http://[2002:a00:1::1]/', '6to4 form of 10.0.0.1 (private)'],
    ['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'Teredo form of 127.0.0.1 (loopback)'],
  ])('refuses %s with a 400 naming the target', async (target, reason) => {
    for (const type of ['webhook', 'slack']) {
      const res = await request(t.http)
        .post('/api/v1/alerts/channels')
        .set('Authorization', `Bearer ${officer}`)
        .send({ name: `v6-${Date.now()}`, type, target })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'target', problems: [expect.stringContaining(reason)] }]);
    }
    const patched = await request(t.http)
      .patch(`/api/v1/alerts/channels/${channelId}`)
      .set('Authorization', `Bearer ${officer}`)
      .send({ target })
      .expect(400);
    expect(patched.body.details[0].field).toBe('target');
  });
});
