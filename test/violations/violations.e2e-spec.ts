import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { ViolationSweeper } from '../../src/violations/violation-sweeper';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { createUser, login, tokenFor } from '../support/users';

const ATTACK = "Mozilla/5.0' UNION SELECT password FROM users--";
const HOUR = 3_600_000;

describe('violations: from findings to cases, and the case workflow', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;
  let officer: string;
  let officerId: string;
  let assigneeId: string;
  let analyst: string;
  let analystId: string;
  let auditor: string;

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });
  const viewer = () => `v-case-${randomBytes(5).toString('hex')}`;
  const attack = (userId: string) => makeEvent('playback.started', { userId, userAgent: ATTACK });
  const send = (events: object[]) =>
    request(t.http).post('/api/v1/events/batch').set('X-API-Key', apiKey).send({ events }).expect(202);
  const securityViolations = (userId: string) =>
    ds.query(`SELECT * FROM violations WHERE user_id = $1 AND rule_id = 'SQLI-001' ORDER BY created_at`, [
      userId,
    ]);

  /** Findings as the compliance scheduler writes them (no event); the sweeper converts them. */
  async function scheduledFindings(
    userId: string,
    rows: { at: Date; severity?: string; kind?: string; details?: object }[],
  ): Promise<void> {
    await ds.query(
      `INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, reference, severity, explanation, details, occurred_at)
       SELECT k, kind, NULL, $1, 'TEST-RULE', '1', 'GDPR', 'Art. 5', s, 'test', d::jsonb, o
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(k, kind, s, d, o)`,
      [
        userId,
        rows.map(() => `test:${randomUUID()}`),
        rows.map((r) => r.kind ?? 'compliance'),
        rows.map((r) => r.severity ?? 'low'),
        rows.map((r) => JSON.stringify(r.details ?? {})),
        rows.map((r) => r.at),
      ],
    );
    await t.app.get(ViolationSweeper).sweep();
    // The scheduled sweep may hold some of them (SKIP LOCKED): wait until every one is converted.
    await waitFor(
      async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM findings WHERE user_id = $1 AND violation_id IS NULL`,
            [userId],
          )
        )[0].n,
      (n) => n === 0,
    );
  }

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    const admin = await tokenFor(t.app, [Role.Admin]);
    apiKey = (
      await request(t.http)
        .post('/api/v1/admin/api-keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'violations e2e' })
        .expect(201)
    ).body.key;
    const officerUser = await createUser(t.app, [Role.ComplianceOfficer]);
    officerId = officerUser.id;
    officer = (await login(t.app, officerUser)).accessToken;
    assigneeId = (await createUser(t.app, [Role.ComplianceOfficer])).id;
    const analystUser = await createUser(t.app, [Role.Analyst]);
    analystId = analystUser.id;
    analyst = (await login(t.app, analystUser)).accessToken;
    auditor = await tokenFor(t.app, [Role.Auditor]);
  });
  afterAll(() => t.close());

  it('records a violation with framework, rule version, severity, viewer, times, count and evidence', async () => {
    const userId = viewer();
    const first = attack(userId);
    const second = attack(userId);
    await send([first]);
    await waitFor(
      () => securityViolations(userId),
      (rows) => rows.length === 1,
    );
    await send([second]);
    const [v] = await waitFor(
      () => securityViolations(userId),
      (rows) => rows[0]?.occurrence_count === 2,
    );
    expect(v).toMatchObject({
      kind: 'security',
      framework: 'SECURITY',
      rule_version: '1',
      severity: 'high',
      status: 'open',
      user_id: userId,
    });
    expect(v.evidence_event_ids).toEqual([first.eventId, second.eventId]);
    expect(v.first_seen.getTime()).toBe(new Date(first.occurredAt).getTime());
    expect(v.last_seen.getTime()).toBe(new Date(second.occurredAt).getTime());
    expect(await securityViolations(userId)).toHaveLength(1);

    const list = await as(analyst)
      .get(`/violations?userId=${userId}&framework=SECURITY&severity=high&status=open&rule=SQLI-001`)
      .expect(200);
    expect(list.body).toMatchObject({ limit: 50, offset: 0, hasMore: false });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: v.id, occurrenceCount: 2, ruleId: 'SQLI-001' }),
    ]);
    const none = await as(analyst)
      .get(`/violations?userId=${userId}&to=${new Date(Date.now() - 86_400_000).toISOString()}`)
      .expect(200);
    expect(none.body.items).toEqual([]);
    await as(analyst).get('/violations?severity=extreme').expect(400);
    const paged = await as(analyst).get(`/violations?limit=1`).expect(200);
    expect(paged.body.items).toHaveLength(1);
  });

  it('keeps one open violation per rule and viewer within the window, a new one after a longer gap', async () => {
    const userId = viewer();
    const t0 = Date.now() - 48 * HOUR;
    await scheduledFindings(userId, [
      { at: new Date(t0) },
      { at: new Date(t0 + HOUR) },
      { at: new Date(t0 + 20 * HOUR) },
    ]);
    await scheduledFindings(userId, [{ at: new Date(t0 + 45 * HOUR) }]);
    const rows = await ds.query(
      `SELECT occurrence_count, first_seen, last_seen FROM violations WHERE user_id = $1 ORDER BY first_seen`,
      [userId],
    );
    expect(rows.map((r: { occurrence_count: number }) => r.occurrence_count)).toEqual([3, 1]);
    expect(rows[0].last_seen.getTime()).toBe(t0 + 20 * HOUR);
  });

  it('escalates severity with occurrences and with the ML risk score', async () => {
    const many = viewer();
    await scheduledFindings(
      many,
      Array.from({ length: 10 }, (_, i) => ({ at: new Date(Date.now() - 60_000 + i) })),
    );
    const [counted] = await ds.query(
      `SELECT severity, base_severity, occurrence_count FROM violations WHERE user_id = $1`,
      [many],
    );
    expect(counted).toEqual({ severity: 'medium', base_severity: 'low', occurrence_count: 10 });

    const risky = viewer();
    await scheduledFindings(risky, [
      { at: new Date(), kind: 'ml', severity: 'medium', details: { riskScore: 0.97 } },
    ]);
    const [scored] = await ds.query(
      `SELECT severity, max_risk_score, critical_at FROM violations WHERE user_id = $1`,
      [risky],
    );
    expect(scored).toMatchObject({
      severity: 'critical',
      max_risk_score: 0.97,
      critical_at: expect.any(Date),
    });
  });

  it('runs the case workflow, keeping every step in the history and the audit log', async () => {
    const userId = viewer();
    const event = attack(userId);
    await send([event]);
    const [v] = await waitFor(
      () => securityViolations(userId),
      (rows) => rows.length === 1,
    );
    const path = `/violations/${v.id}`;

    const detail = await as(analyst).get(path).expect(200);
    expect(detail.body).toMatchObject({ id: v.id, status: 'open', userId, ruleId: 'SQLI-001' });
    expect(detail.body.evidenceEvents).toEqual([
      expect.objectContaining({ eventId: event.eventId, type: 'playback.started', userId }),
    ]);
    expect(detail.body.findings.length).toBeGreaterThan(0);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['created']);

    await as(analyst).post(`${path}/acknowledge`).expect(403);
    await as(auditor).post(`${path}/comments`, { text: 'x' }).expect(403);
    await as(officer).post(`${path}/assign`, { userId: analystId }).expect(400);
    await as(officer).post(`${path}/assign`, { userId: randomUUID() }).expect(400);
    const assigned = await as(officer).post(`${path}/assign`, { userId: assigneeId }).expect(200);
    expect(assigned.body).toMatchObject({ assignedTo: assigneeId, status: 'open' });
    expect((await as(officer).post(`${path}/acknowledge`).expect(200)).body).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: expect.any(String),
    });
    await as(officer).post(`${path}/acknowledge`).expect(409);
    await as(officer).post(`${path}/comments`, { text: '   ' }).expect(400);
    await as(officer).post(`${path}/comments`, { text: 'Blocked the client at the edge.' }).expect(201);
    // Today's analytics count the resolution at once (in the decision's transaction), not only after
    // the next rollup fold: a fold in between recomputes the day from the table, which counts it too.
    const resolvedToday = async (): Promise<number> => {
      const [row] = await ds.query(
        `SELECT resolved_count::int AS n FROM rollup_violations_daily
          WHERE day = (now() AT TIME ZONE 'UTC')::date AND framework = $1 AND severity = $2`,
        [detail.body.framework, detail.body.severity],
      );
      return row?.n ?? 0;
    };
    const resolvedBefore = await resolvedToday();
    const resolved = await as(officer).post(`${path}/resolve`, { note: 'WAF rule deployed' }).expect(200);
    expect(await resolvedToday()).toBeGreaterThanOrEqual(resolvedBefore + 1);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      closedBy: officerId,
      resolutionNote: 'WAF rule deployed',
    });
    await as(officer).post(`${path}/resolve`).expect(409);
    await as(officer).post(`${path}/false-positive`, { reason: 'late' }).expect(409);

    const history = (await as(auditor).get(path).expect(200)).body.history;
    expect(
      history.map((h: { action: string; fromStatus: string | null; toStatus: string | null }) => [
        h.action,
        h.fromStatus,
        h.toStatus,
      ]),
    ).toEqual([
      ['created', null, 'open'],
      ['assign', null, null],
      ['acknowledge', 'open', 'acknowledged'],
      ['comment', null, null],
      ['resolve', 'acknowledged', 'resolved'],
    ]);
    expect(history[1]).toMatchObject({ actor: `user:${officerId}`, details: { from: null, to: assigneeId } });
    expect(history[3].comment).toBe('Blocked the client at the edge.');

    const audit = await as(auditor).get(`/audit?targetType=violation&targetId=${v.id}&limit=50`).expect(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action).reverse();
    expect(actions).toEqual([
      'violation.viewed',
      'violation.assign',
      'violation.acknowledge',
      'violation.comment',
      'violation.resolve',
      'violation.viewed',
    ]);
    expect(audit.body.items.find((e: { action: string }) => e.action === 'violation.resolve')).toMatchObject({
      actorId: officerId,
      details: { from: 'acknowledged', to: 'resolved' },
    });
    expect((await as(auditor).get('/audit/verify').expect(200)).body.valid).toBe(true);
  });

  it('opens a new case linked to a resolved one when it repeats, and feeds a false positive back to ml_labels', async () => {
    const userId = viewer();
    await send([attack(userId)]);
    const [first] = await waitFor(
      () => securityViolations(userId),
      (rows) => rows.length === 1,
    );
    await as(officer).post(`/violations/${first.id}/resolve`).expect(200);

    await send([attack(userId)]);
    const rows = await waitFor(
      () => securityViolations(userId),
      (list) => list.length === 2,
    );
    const second = rows[1];
    expect(second).toMatchObject({ status: 'open', recurrence_of: first.id, occurrence_count: 1 });
    expect((await securityViolations(userId))[0]).toMatchObject({
      id: first.id,
      status: 'resolved',
      occurrence_count: 1,
    });
    const alerts = await waitFor(
      () => ds.query(`SELECT reason FROM alerts WHERE violation_id = $1`, [second.id]),
      (list) => list.length === 1,
    );
    expect(alerts[0].reason).toBe('reopened');

    await as(officer).post(`/violations/${second.id}/false-positive`, {}).expect(400);
    await as(officer).post(`/violations/${second.id}/false-positive`, { reason: '' }).expect(400);
    const marked = await as(officer)
      .post(`/violations/${second.id}/false-positive`, { reason: 'Pen-test traffic from our red team' })
      .expect(200);
    expect(marked.body).toMatchObject({
      status: 'false_positive',
      resolutionNote: 'Pen-test traffic from our red team',
    });
    const labels = await ds.query(`SELECT user_id, label, source FROM ml_labels WHERE violation_id = $1`, [
      second.id,
    ]);
    expect(labels).toEqual([{ user_id: userId, label: 'false_positive', source: 'case_review' }]);
    const audited = await ds.query(
      `SELECT details FROM audit_log WHERE target_id = $1 AND action = 'violation.false_positive'`,
      [second.id],
    );
    expect(audited[0].details).toMatchObject({
      comment: 'Pen-test traffic from our red team',
      to: 'false_positive',
    });
  });

  it('answers 404 for an unknown violation and 400 for a malformed id', async () => {
    await as(analyst).get(`/violations/${randomUUID()}`).expect(404);
    await as(officer).post(`/violations/${randomUUID()}/acknowledge`).expect(404);
    await as(analyst).get('/violations/not-a-uuid').expect(400);
    await request(t.http).get('/api/v1/violations').expect(401);
    await request(t.http).get('/api/v1/violations').set('X-API-Key', apiKey).expect(403);
  });
});
