import request from 'supertest';
import { DataSource } from 'typeorm';
import { AlertSchedules } from '../../src/alerting/alert-schedules';
import { Role } from '../../src/security/roles';
import { ViolationSweeper } from '../../src/violations/violation-sweeper';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import {
  attackEvent,
  ingestKey,
  STACKED_ATTACK,
  startWebhookReceiver,
  viewerId,
  WebhookReceiver,
} from './support/receivers';

describe('alerting: storm suppression, escalation of unacknowledged criticals, findings without events', () => {
  let t: TestApp;
  let ds: DataSource;
  let receiver: WebhookReceiver;
  let pager: WebhookReceiver;
  let apiKey: string;
  let officer: string;
  const routeIds: string[] = [];
  const channelIds: string[] = [];

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });
  const send = (events: object[]) =>
    request(t.http).post('/api/v1/events/batch').set('X-API-Key', apiKey).send({ events }).expect(202);
  const hooksFor = (r: WebhookReceiver, violationId: string) =>
    r.received.map((req) => JSON.parse(req.body)).filter((body) => body.data?.violation?.id === violationId);
  const violationOf = async (userId: string, ruleId: string) =>
    (await ds.query(`SELECT * FROM violations WHERE user_id = $1 AND rule_id = $2`, [userId, ruleId]))[0];

  async function channel(name: string, target: string): Promise<string> {
    const res = await as(officer)
      .post('/alerts/channels', { name: `${name}-${Date.now()}`, type: 'webhook', target })
      .expect(201);
    channelIds.push(res.body.channel.id);
    return res.body.channel.id;
  }

  async function route(body: Record<string, unknown>): Promise<void> {
    const res = await as(officer)
      .post('/alerts/routes', { name: `route-${Date.now()}-${routeIds.length}`, ...body })
      .expect(201);
    routeIds.push(res.body.id);
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    pager = await startWebhookReceiver('/pager');
    t = await bootTestApp({
      APP_ROLE: 'all',
      WEBHOOK_ALLOWLIST: '127.0.0.1',
      // Severity by occurrences would add 'escalated' alerts to the storm; this file looks at suppression alone.
      VIOLATION_ESCALATE_AT_OCCURRENCES: '1000000',
      ALERT_UNACK_DEADLINE_SECONDS: '900',
    });
    ds = t.app.get(DataSource);
    const admin = await tokenFor(t.app, [Role.Admin]);
    officer = await tokenFor(t.app, [Role.ComplianceOfficer]);
    apiKey = await ingestKey(t.app, admin);
    const soc = await channel('soc', receiver.url);
    const onCall = await channel('on-call', pager.url);
    await route({
      minSeverity: 'low',
      frameworks: ['SECURITY'],
      ruleIds: ['SQLI-001', 'SQLI-006', 'SWEEP-TEST'],
      channelIds: [soc],
      suppressionWindowSeconds: 3600,
    });
    await route({
      minSeverity: 'critical',
      reasons: ['unacknowledged'],
      channelIds: [onCall],
      suppressionWindowSeconds: 3600,
    });
  });

  afterAll(async () => {
    await ds.query(`DELETE FROM alert_routes WHERE id = ANY($1::uuid[])`, [routeIds]);
    await ds.query(
      `UPDATE alert_channels SET enabled = false, deleted_at = now() WHERE id = ANY($1::uuid[])`,
      [channelIds],
    );
    await t.close();
    await receiver.close();
    await pager.close();
  });

  it('folds a storm of 1,000 repeats of one violation into one alert with the count', async () => {
    const userId = viewerId();
    const events = Array.from({ length: 1000 }, () => attackEvent(userId));
    const started = Date.now();
    // Twenty requests, five at a time: several batches reach the violation and alerting stages at once.
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          send(events.slice((round * 5 + i) * 50, (round * 5 + i) * 50 + 50)),
        ),
      );
    }

    const violation = await waitFor(
      () => violationOf(userId, 'SQLI-001'),
      (v) => v?.occurrence_count === 1000,
      { timeoutMs: 60_000 },
    );
    await waitFor(
      async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM violation_changes WHERE violation_id = $1 AND alerted_at IS NULL`,
            [violation.id],
          )
        )[0].n,
      (n) => n === 0,
      { timeoutMs: 30_000 },
    );
    const [{ batches }] = await ds.query(
      `SELECT count(DISTINCT batch_id)::int AS batches FROM violation_changes WHERE violation_id = $1`,
      [violation.id],
    );
    const stages = await ds.query(
      `SELECT stage, sum(batches)::int AS batches, round((sum(total_ms) / sum(batches))::numeric, 1)::float AS avg_ms, round(max(max_ms)::numeric, 1)::float AS max_ms
         FROM rollup_stage_latency_minutely WHERE stage IN ('violation', 'alerting') AND minute >= date_trunc('minute', to_timestamp($1 / 1000.0))
        GROUP BY stage ORDER BY stage`,
      [started],
    );
    console.log(
      `storm: 1,000 attack events in ${batches} batches → one violation, all changes alerted in ${Date.now() - started} ms; stage time per batch: ${JSON.stringify(stages)}`,
    );
    const violations = await ds.query(
      `SELECT count(*)::int AS n FROM violations WHERE user_id = $1 AND rule_id = 'SQLI-001'`,
      [userId],
    );
    expect(violations[0].n).toBe(1);
    expect(violation.evidence_event_ids).toHaveLength(100);

    const alerts = await ds.query(`SELECT reason, suppressed_count FROM alerts WHERE violation_id = $1`, [
      violation.id,
    ]);
    expect(alerts).toEqual([{ reason: 'new', suppressed_count: 999 }]);
    await waitFor(
      async () => hooksFor(receiver, violation.id),
      (hooks) => hooks.length === 1,
    );
    const listed = await as(officer).get(`/alerts?violationId=${violation.id}`).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ suppressedCount: 999, reason: 'new' })]);
  });

  it('escalates a critical violation nobody acknowledged past the deadline, once, and not an acknowledged one', async () => {
    const ignored = viewerId();
    const handled = viewerId();
    await send([attackEvent(ignored, STACKED_ATTACK), attackEvent(handled, STACKED_ATTACK)]);
    const open = await waitFor(
      () => violationOf(ignored, 'SQLI-006'),
      (v) => v !== undefined,
    );
    const acked = await waitFor(
      () => violationOf(handled, 'SQLI-006'),
      (v) => v !== undefined,
    );
    expect(open).toMatchObject({ severity: 'critical', status: 'open' });
    expect(open.critical_at).toEqual(expect.any(Date));
    await as(officer).post(`/violations/${acked.id}/acknowledge`).expect(200);
    await waitFor(
      async () => hooksFor(receiver, open.id),
      (hooks) => hooks.length === 1,
    );

    const schedules = t.app.get(AlertSchedules);
    const early = await schedules.escalateUnacknowledged(new Date());
    expect(early.alerts).toHaveLength(0);

    const late = new Date(Date.now() + 16 * 60_000);
    const run = await schedules.escalateUnacknowledged(late);
    const escalated = await ds.query(
      `SELECT id, reason, severity, channel_ids::text[] FROM alerts WHERE violation_id = ANY($1::uuid[]) AND reason = 'unacknowledged'`,
      [[open.id, acked.id]],
    );
    expect(escalated).toHaveLength(1);
    expect(run.alerts).toContain(escalated[0].id);
    const [page] = await waitFor(
      async () => hooksFor(pager, open.id),
      (hooks) => hooks.length === 1,
    );
    expect(page.data).toMatchObject({
      reason: 'unacknowledged',
      severity: 'critical',
      violation: { id: open.id, status: 'open' },
    });

    await schedules.escalateUnacknowledged(new Date(Date.now() + 60 * 60_000));
    const again = await ds.query(
      `SELECT count(*)::int AS n FROM alerts WHERE violation_id = $1 AND reason = 'unacknowledged'`,
      [open.id],
    );
    expect(again[0].n).toBe(1);
    const history = await ds.query(
      `SELECT action FROM violation_history WHERE violation_id = $1 ORDER BY id`,
      [open.id],
    );
    expect(history.map((h: { action: string }) => h.action)).toEqual(['created', 'escalated_unacknowledged']);
  });

  it('sweeps findings without an event (scheduled checks) into violations and alerts on them', async () => {
    const userId = viewerId();
    const at = new Date(Date.now() - 60_000);
    // As the compliance scheduler writes them: no event, one row per check subject.
    await ds.query(
      `INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, reference, severity, explanation, occurred_at)
       SELECT 'sweep-test:' || $1 || ':' || i, 'security', NULL, $1, 'SWEEP-TEST', '3', 'SECURITY', 'scheduled', 'high', 'scheduled check', $2::timestamptz + i * interval '1 second'
         FROM generate_series(1, 5) AS i`,
      [userId, at],
    );
    await t.app.get(ViolationSweeper).sweep();
    // The scheduled sweep may have taken them first (SKIP LOCKED): the outcome is awaited, not the call.
    const violation = await waitFor(
      () => violationOf(userId, 'SWEEP-TEST'),
      (v) => v?.occurrence_count === 5,
    );
    expect(violation).toMatchObject({ rule_version: '3', severity: 'high', status: 'open' });
    const linked = await ds.query(
      `SELECT count(*)::int AS n FROM findings WHERE dedup_key LIKE $1 AND violation_id = $2`,
      [`sweep-test:${userId}:%`, violation.id],
    );
    expect(linked[0].n).toBe(5);

    await t.app.get(AlertSchedules).alertPending();
    const [hook] = await waitFor(
      async () => hooksFor(receiver, violation.id),
      (hooks) => hooks.length === 1,
    );
    expect(hook.data).toMatchObject({ reason: 'new', suppressedCount: 4 });

    // A second sweep finds nothing left to convert.
    await t.app.get(ViolationSweeper).sweep();
    expect((await violationOf(userId, 'SWEEP-TEST')).occurrence_count).toBe(5);
  });
});
