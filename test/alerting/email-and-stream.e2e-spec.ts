import { AddressInfo } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { openStream } from '../support/sse';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import { attackEvent, ingestKey, STACKED_ATTACK, startSmtpSink, viewerId } from './support/receivers';

describe('alerting: e-mail through SMTP and the live SSE stream', () => {
  let t: TestApp;
  let ds: DataSource;
  let port: number;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let apiKey: string;
  let officer: string;
  const routeIds: string[] = [];
  const channelIds: string[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await bootTestApp({ APP_ROLE: 'all', SMTP_URL: sink.url, SMTP_FROM: 'alerts@ott.test' });
    ds = t.app.get(DataSource);
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
    const admin = await tokenFor(t.app, [Role.Admin]);
    officer = await tokenFor(t.app, [Role.ComplianceOfficer]);
    apiKey = await ingestKey(t.app, admin);
  });

  afterAll(async () => {
    await ds.query(`DELETE FROM alert_routes WHERE id = ANY($1::uuid[])`, [routeIds]);
    await ds.query(
      `UPDATE alert_channels SET enabled = false, deleted_at = now() WHERE id = ANY($1::uuid[])`,
      [channelIds],
    );
    await t.close();
    await sink.close();
  });

  it('mails alerts through SMTP with a plain-text and an HTML body', async () => {
    await as(officer)
      .post('/alerts/channels', { name: 'bad mail', type: 'email', target: 'not-an-address' })
      .expect(400);
    const created = await as(officer)
      .post('/alerts/channels', {
        name: `privacy-team-${Date.now()}`,
        type: 'email',
        target: 'dpo@ott.test, soc@ott.test',
      })
      .expect(201);
    const channelId = created.body.channel.id;
    channelIds.push(channelId);
    expect(created.body.secret).toBeUndefined();

    await as(officer).post(`/alerts/channels/${channelId}/test`).expect(202);
    const [test] = await waitFor(
      async () => sink.mails,
      (mails) => mails.length > 0,
    );
    expect(test.from).toBe('alerts@ott.test');
    expect(test.to.sort()).toEqual(['dpo@ott.test', 'soc@ott.test']);
    expect(test.raw).toMatch(/^Subject: \[LOW\] Test alert/m);

    const route = await as(officer)
      .post('/alerts/routes', {
        name: `mail-critical-${Date.now()}`,
        minSeverity: 'critical',
        frameworks: ['SECURITY'],
        channelIds: [channelId],
      })
      .expect(201);
    routeIds.push(route.body.id);
    const userId = viewerId();
    await request(t.http)
      .post('/api/v1/events/batch')
      .set('X-API-Key', apiKey)
      .send({ events: [attackEvent(userId, STACKED_ATTACK)] })
      .expect(202);
    const mail = await waitFor(
      async () => sink.mails.find((m) => m.raw.includes(userId)),
      (m) => m !== undefined,
    );
    expect(mail!.raw).toMatch(/^Subject: \[CRITICAL\] New violation: SECURITY SQLI-006/m);
    expect(mail!.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail!.raw).toMatch(/Content-Type: text\/html/);
    expect(mail!.raw).toMatch(/^X-OTT-Alert-Id: [0-9a-f-]{36}/im);
    const [row] = await ds.query(
      `SELECT d.status, d.latency_ms FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id JOIN violations v ON v.id = a.violation_id
        WHERE v.user_id = $1 AND d.channel_id = $2`,
      [userId, channelId],
    );
    expect(row).toMatchObject({ status: 'delivered', latency_ms: expect.any(Number) });
  });

  it('streams alerts to authenticated dashboards over SSE, filtered by minimum severity', async () => {
    expect((await openStream(port, '/api/v1/alerts/stream')).status).toBe(401);
    const auditor = await tokenFor(t.app, [Role.Auditor]);
    const refused = await openStream(port, '/api/v1/alerts/stream', auditor);
    expect(refused.status).toBe(403);
    refused.close();

    const dashboard = await tokenFor(t.app, [Role.Operator]);
    const high = await openStream(port, '/api/v1/alerts/stream?minSeverity=high', dashboard);
    const critical = await openStream(port, '/api/v1/alerts/stream?minSeverity=critical', dashboard);
    try {
      expect(high.status).toBe(200);
      await waitFor(
        async () => high.events,
        (events) => events.some((e) => e.event === 'ready'),
      );
      await waitFor(
        async () => critical.events,
        (events) => events.some((e) => e.event === 'ready'),
      );

      const highViewer = viewerId();
      await request(t.http)
        .post('/api/v1/events/batch')
        .set('X-API-Key', apiKey)
        .send({ events: [attackEvent(highViewer)] })
        .expect(202);
      const streamed = await waitFor(
        async () =>
          high.events.find((e) => e.event === 'alert' && e.data.payload.data.violation.userId === highViewer),
        (e) => e !== undefined,
      );
      expect(streamed!.data).toMatchObject({
        reason: 'new',
        severity: 'high',
        payload: { type: 'violation.alert' },
      });
      expect(streamed!.id).toBe(streamed!.data.id);

      const criticalViewer = viewerId();
      await request(t.http)
        .post('/api/v1/events/batch')
        .set('X-API-Key', apiKey)
        .send({ events: [attackEvent(criticalViewer, STACKED_ATTACK)] })
        .expect(202);
      await waitFor(
        async () => critical.events.filter((e) => e.event === 'alert'),
        (events) => events.some((e) => e.data.payload.data.violation.userId === criticalViewer),
      );
      const seenByCritical = critical.events.filter((e) => e.event === 'alert');
      expect(seenByCritical.every((e) => e.data.severity === 'critical')).toBe(true);
      expect(seenByCritical.map((e) => e.data.id)).not.toContain(streamed!.data.id);
    } finally {
      high.close();
      critical.close();
    }
  });
});
