import request from 'supertest';
import { DataSource } from 'typeorm';
import { ComplianceScheduledChecks } from '../../src/compliance/compliance-scheduled-checks';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp } from '../support/test-app';
import { createUser, login, tokenFor } from '../support/users';
import { afterCompliance, complianceFindings, ingestKey, sendEvents, Sequence, viewerId } from './compliance-support';

const DAY = 86_400_000;

describe('legal holds: register API, and retention / erasure deadlines honour them', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;
  let officer: string;
  let officerId: string;
  let analyst: string;
  let checks: ComplianceScheduledChecks;

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body?: object) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body ?? {}),
  });

  const hold = async (body: object) => (await as(officer).post('/compliance/legal-holds', body).expect(201)).body;
  const release = async (id: string) =>
    (await as(officer).post(`/compliance/legal-holds/${id}/release`).expect(200)).body;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
    const user = await createUser(t.app, [Role.ComplianceOfficer]);
    officerId = user.id;
    officer = (await login(t.app, user)).accessToken;
    analyst = await tokenFor(t.app, [Role.Analyst]);
    checks = t.app.get(ComplianceScheduledChecks);
  });
  afterAll(() => t.close());

  it('creates, lists, reads and releases a hold, each write audited', async () => {
    const userId = viewerId('hold-api');
    const created = await hold({
      viewerId: userId,
      reason: '  Litigation hold, case 2026-CV-1142 ',
      endsAt: '2099-06-30T00:00:00Z',
    });
    expect(created).toEqual({
      id: expect.any(String),
      viewerId: userId,
      record: null,
      reason: 'Litigation hold, case 2026-CV-1142',
      status: 'active',
      createdBy: officerId,
      createdAt: expect.any(String),
      endsAt: '2099-06-30T00:00:00.000Z',
      releasedAt: null,
      releasedBy: null,
    });
    const record = await hold({
      viewerId: userId,
      recordType: 'dsr_request',
      recordId: 'req-1',
      reason: 'Regulator inquiry',
    });
    expect(record.record).toEqual({ type: 'dsr_request', id: 'req-1' });

    const list = await as(analyst).get(`/compliance/legal-holds?viewerId=${userId}`).expect(200);
    expect(list.body.items.map((h: { id: string }) => h.id)).toEqual([record.id, created.id]);
    expect(list.body.page).toEqual({ limit: 50, offset: 0, total: 2 });
    expect((await as(analyst).get(`/compliance/legal-holds/${created.id}`).expect(200)).body).toEqual(created);

    const released = await release(created.id);
    expect(released).toMatchObject({ status: 'released', releasedBy: officerId, releasedAt: expect.any(String) });
    await as(officer).post(`/compliance/legal-holds/${created.id}/release`).expect(409);
    const active = await as(analyst).get(`/compliance/legal-holds?viewerId=${userId}`).expect(200);
    expect(active.body.items.map((h: { id: string }) => h.id)).toEqual([record.id]);
    const ended = await as(analyst).get(`/compliance/legal-holds?viewerId=${userId}&status=ended`).expect(200);
    expect(ended.body.items.map((h: { id: string }) => h.id)).toEqual([created.id]);

    const audit = await ds.query(
      `SELECT action, actor_id, details->>'holdId' AS hold FROM audit_log
        WHERE target_type = 'viewer' AND target_id = $1 AND action LIKE 'compliance.legal_hold.%' ORDER BY id`,
      [userId],
    );
    expect(audit.map((a: { action: string; hold: string }) => [a.action, a.hold])).toEqual([
      ['compliance.legal_hold.create', created.id],
      ['compliance.legal_hold.create', record.id],
      ['compliance.legal_hold.read', created.id],
      ['compliance.legal_hold.release', created.id],
    ]);
    const writes = audit.filter((a: { action: string }) => !a.action.endsWith('.read'));
    expect(writes.every((a: { actor_id: string }) => a.actor_id === officerId)).toBe(true);
    expect(audit.find((a: { action: string }) => a.action.endsWith('.read')).actor_id).not.toBe(officerId);
  });

  it('answers 400 naming the field, 404 for an unknown hold, 403 for roles that may not write', async () => {
    const fields = async (body: object) =>
      (await as(officer).post('/compliance/legal-holds', body).expect(400)).body.details.map(
        (d: { field: string }) => d.field,
      );
    const userId = viewerId('hold-bad');
    expect(await fields({ viewerId: userId })).toEqual(['reason']);
    expect(await fields({ viewerId: userId, reason: '   ' })).toEqual(['reason']);
    expect(await fields({ viewerId: userId, reason: 42 })).toEqual(['reason']);
    expect(await fields({ reason: 'x' })).toEqual(['viewerId']);
    expect(await fields({ viewerId: 'not an id!', reason: 'x' })).toEqual(['viewerId']);
    expect(await fields({ viewerId: userId, reason: 'x', endsAt: 'next tuesday' })).toEqual(['endsAt']);
    expect(await fields({ viewerId: userId, reason: 'x', endsAt: '2001-01-01T00:00:00Z' })).toEqual(['endsAt']);
    expect(await fields({ viewerId: userId, reason: 'x', recordType: 'data_category' })).toEqual(['recordId']);
    expect(await fields({ viewerId: userId, reason: 'x', recordId: 'billing' })).toEqual(['recordType']);
    expect(await fields({ viewerId: userId, reason: 'x', recordType: 'mailbox', recordId: 'a' })).toEqual([
      'recordType',
    ]);
    expect(await fields({ viewerId: userId, reason: 'x', createdBy: 'someone-else' })).toEqual(['createdBy']);
    expect((await ds.query(`SELECT 1 FROM legal_holds WHERE user_id = $1`, [userId])).length).toBe(0);

    await as(officer).get('/compliance/legal-holds/00000000-0000-4000-8000-000000000000').expect(404);
    await as(officer).post('/compliance/legal-holds/00000000-0000-4000-8000-000000000000/release').expect(404);
    await as(officer).get('/compliance/legal-holds/not-a-uuid').expect(400);
    await as(officer).get('/compliance/legal-holds?status=maybe').expect(400);

    await as(analyst).post('/compliance/legal-holds', { viewerId: userId, reason: 'x' }).expect(403);
    await as(await tokenFor(t.app, [Role.Auditor])).post('/compliance/legal-holds', { viewerId: userId, reason: 'x' }).expect(403);
    await as(await tokenFor(t.app, [Role.Operator])).get('/compliance/legal-holds').expect(403);
    await as(await tokenFor(t.app, [Role.Admin])).post('/compliance/legal-holds', { viewerId: userId, reason: 'x' }).expect(201);
  });

  it('a viewer under hold gets no retention finding; after release it does', async () => {
    const userId = viewerId('hold-retention');
    const s = new Sequence(userId, new Date(Date.now() - 3 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('playback.started', { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false })
      .add('account.closed', { reason: 'viewer_request' });
    const placed = await hold({ viewerId: userId, reason: 'Litigation hold' });
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);

    const inFiveYears = new Date(Date.now() + 5 * 365 * DAY);
    await checks.runRetentionChecks(inFiveYears);
    expect(await complianceFindings(ds, userId)).toEqual([]);

    await release(placed.id);
    await checks.runRetentionChecks(inFiveYears);
    const findings = await complianceFindings(ds, userId);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.dedup_key.includes(`${userId}:retention:`))).toBe(true);
  });

  it('a hold on one data category keeps only that category', async () => {
    const userId = viewerId('hold-category');
    const s = new Sequence(userId, new Date(Date.now() - 3 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('playback.started', { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false })
      .add('account.closed', { reason: 'viewer_request' });
    const placed = await hold({
      viewerId: userId,
      recordType: 'data_category',
      recordId: 'viewing_history',
      reason: 'Evidence in a licensing dispute',
    });
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);

    const inFiveYears = new Date(Date.now() + 5 * 365 * DAY);
    await checks.runRetentionChecks(inFiveYears);
    const held = (await complianceFindings(ds, userId)).map((f) => f.dedup_key as string);
    expect(held.some((k) => k.includes(':retention:viewing_history:'))).toBe(false);

    await release(placed.id);
    await checks.runRetentionChecks(inFiveYears);
    const after = (await complianceFindings(ds, userId)).map((f) => f.dedup_key as string);
    expect(after.some((k) => k.includes(':retention:viewing_history:'))).toBe(true);
  });

  it('suspends erasure deadline findings while held (the viewer, or one request); after release the overdue request is reported', async () => {
    const userId = viewerId('hold-erasure');
    const erasure = `dsr-er-${userId}`;
    const other = `dsr-er2-${userId}`;
    const access = `dsr-ac-${userId}`;
    const viewerHold = await hold({ viewerId: userId, reason: 'Litigation hold' });
    const requestHold = await hold({
      viewerId: userId,
      recordType: 'dsr_request',
      recordId: other,
      reason: 'Regulator inquiry about this request',
    });
    const s = new Sequence(userId, new Date(Date.now() - 40 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('dsr.opened', { requestId: erasure, type: 'erasure', jurisdiction: 'EEA' })
      .add('dsr.opened', { requestId: other, type: 'erasure', jurisdiction: 'EEA' })
      .add('dsr.opened', { requestId: access, type: 'access', jurisdiction: 'EEA', format: 'json' });
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);

    const keys = async () => (await complianceFindings(ds, userId)).map((f) => f.dedup_key as string).sort();
    // Held: the erasure requests raise nothing; an access request is not suspended by a hold.
    await checks.runDeadlineChecks(new Date());
    expect(await keys()).toEqual([`GDPR-03@1:${userId}:dsr:${access}`]);

    // The viewer's hold ends: the request still held on its own stays quiet, the other is overdue at once.
    await release(viewerHold.id);
    await checks.runDeadlineChecks(new Date());
    expect(await keys()).toEqual(
      [`GDPR-03@1:${userId}:dsr:${access}`, `GDPR-03@1:${userId}:dsr:${erasure}`].sort(),
    );

    await release(requestHold.id);
    await checks.runDeadlineChecks(new Date());
    expect(await keys()).toEqual(
      [
        `GDPR-03@1:${userId}:dsr:${access}`,
        `GDPR-03@1:${userId}:dsr:${erasure}`,
        `GDPR-03@1:${userId}:dsr:${other}`,
      ].sort(),
    );
  });
});
