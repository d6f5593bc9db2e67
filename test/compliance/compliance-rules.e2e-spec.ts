import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SEED_RULES } from '../../src/compliance/rule-packs';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import {
  afterCompliance,
  complianceFindings,
  ingestKey,
  sendEvents,
  Sequence,
  viewerId,
} from './compliance-support';

const HOUR = 3_600_000;

/** A rule only this test's events can break: playback of one title. */
function titleRule(id: string, contentIds: string[], severity = 'medium') {
  return {
    id,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(b)(1)',
    severity,
    title: 'Playback of a watched title',
    description: 'Test rule: a playback of one of the titles on the watch list.',
    remediation: 'Nothing to do: this rule exists for a test.',
    triggers: ['playback.started'],
    condition: 'data.contentId in params.titles',
    explanation: '"Viewer " + viewer.userId + " played " + data.contentId + "."',
    parameters: { titles: { type: 'list', default: contentIds, description: 'Titles on the watch list.' } },
  };
}

describe('compliance rules API, back-testing and the viewer ledger', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;
  let officer: string;
  let admin: string;
  let analyst: string;
  let auditor: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** Queues a back-test (202 with a run id) and waits for the worker to finish it. */
  const backtest = async (token: string, body: object) => {
    const queued = await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(token))
      .send(body)
      .expect(202);
    expect(queued.body).toMatchObject({ runId: expect.any(String), state: 'queued', result: null });
    return waitFor(
      async () =>
        (
          await request(t.http)
            .get(`/api/v1/compliance/rules/backtest/${queued.body.runId}`)
            .set(auth(token))
            .expect(200)
        ).body,
      (run) => run.state === 'succeeded' || run.state === 'failed',
      { timeoutMs: 30_000 },
    );
  };

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
    [officer, admin, analyst, auditor] = await Promise.all([
      tokenFor(t.app, [Role.ComplianceOfficer]),
      tokenFor(t.app, [Role.Admin]),
      tokenFor(t.app, [Role.Analyst]),
      tokenFor(t.app, [Role.Auditor]),
    ]);
  });
  afterAll(() => t.close());

  it('lists the seeded rule packs with filters and paging, and shows one rule with its versions', async () => {
    const all = await request(t.http)
      .get('/api/v1/compliance/rules?limit=500')
      .set(auth(analyst))
      .expect(200);
    const ids = all.body.items.map((r: { ruleId: string }) => r.ruleId);
    expect(ids).toEqual(expect.arrayContaining(SEED_RULES.map((r) => r.id)));
    expect(all.body.total).toBeGreaterThanOrEqual(SEED_RULES.length);

    const gdpr = await request(t.http)
      .get('/api/v1/compliance/rules?framework=GDPR&enabled=true&limit=3&offset=1')
      .set(auth(auditor))
      .expect(200);
    expect(gdpr.body.items).toHaveLength(3);
    expect(
      gdpr.body.items.every(
        (r: { framework: string; enabled: boolean }) => r.framework === 'GDPR' && r.enabled,
      ),
    ).toBe(true);
    expect(gdpr.body).toMatchObject({ limit: 3, offset: 1 });

    const one = await request(t.http).get('/api/v1/compliance/rules/GDPR-01').set(auth(analyst)).expect(200);
    expect(one.body.current).toMatchObject({
      ruleId: 'GDPR-01',
      enabled: true,
      definition: { id: 'GDPR-01', framework: 'GDPR' },
    });
    expect(one.body.versions[0]).toMatchObject({ ruleId: 'GDPR-01', isCurrent: true });

    await request(t.http).get('/api/v1/compliance/rules/NOPE-404').set(auth(analyst)).expect(404);
    const bad = await request(t.http)
      .get('/api/v1/compliance/rules?framework=HIPAA&limit=0')
      .set(auth(analyst))
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['framework', 'limit']);
  });

  it('refuses broken rules with 400 naming the field and problem, and never saves them', async () => {
    const id = `T-BROKEN-${randomBytes(3).toString('hex')}`;
    const typeError = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send({ ...titleRule(id, ['x']), condition: 'data.contentId == 42' })
      .expect(400);
    expect(typeError.body.details).toEqual([
      { field: 'condition', problems: [expect.stringContaining('type error')] },
    ]);

    const unknownField = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send({ ...titleRule(id, ['x']), condition: 'viewer.shoeSize > 3.0' })
      .expect(400);
    expect(unknownField.body.details[0].field).toBe('condition');

    const shape = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send({ ...titleRule(id, ['x']), severity: 'urgent', triggers: ['nothing.happened'], version: 7 })
      .expect(400);
    expect(shape.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['severity', 'version']);

    const trigger = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send({ ...titleRule(id, ['x']), triggers: ['nothing.happened'] })
      .expect(400);
    expect(trigger.body.details).toEqual([
      { field: 'triggers', problems: ['unknown trigger(s): nothing.happened'] },
    ]);

    const param = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send({
        ...titleRule(id, ['x']),
        parameters: { titles: { type: 'list', default: 'x', description: 'd' } },
      })
      .expect(400);
    expect(param.body.details).toEqual([
      { field: 'parameters.titles', problems: ['default must be a list of text'] },
    ]);

    await request(t.http).get(`/api/v1/compliance/rules/${id}`).set(auth(officer)).expect(404);
  });

  it('enforces roles: officers and admins write, analysts and auditors read, ingest keys and strangers nothing', async () => {
    const id = `T-ROLES-${randomBytes(3).toString('hex')}`;
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(analyst))
      .send(titleRule(id, ['x']))
      .expect(403);
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(auditor))
      .send(titleRule(id, ['x']))
      .expect(403);
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .set('X-API-Key', apiKey)
      .send(titleRule(id, ['x']))
      .expect(403);
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .send(titleRule(id, ['x']))
      .expect(401);
    await request(t.http).get('/api/v1/compliance/rules').set('X-API-Key', apiKey).expect(403);
    await request(t.http).post('/api/v1/compliance/rules/GDPR-01/disable').set(auth(analyst)).expect(403);
    await request(t.http)
      .get('/api/v1/compliance/viewers/v-any/consents')
      .set('X-API-Key', apiKey)
      .expect(403);
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(admin))
      .send(titleRule(id, ['x']))
      .expect(201);
    await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(admin))
      .send(titleRule(id, ['x']))
      .expect(409);
  });

  it('creates, versions and disables a rule: findings follow the version in force, every change is audited', async () => {
    const id = `T-WATCH-${randomBytes(3).toString('hex')}`;
    const title = `t-${randomBytes(3).toString('hex')}`;
    const created = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send(titleRule(id, [title]))
      .expect(201);
    expect(created.body).toMatchObject({ ruleId: id, version: 1, enabled: true });

    const play = async () => {
      const s = new Sequence(viewerId('watch'), new Date(Date.now() - HOUR), { country: 'US' }).add(
        'playback.started',
        {
          contentId: title,
          rating: 'PG',
          genre: 'Drama',
          personalised: false,
        },
      );
      await sendEvents(t, apiKey, s.events);
      await afterCompliance(t, apiKey, s.last.eventId);
      return (await complianceFindings(ds, s.userId)).filter((f) => f.rule_id === id);
    };

    const first = await play();
    expect(first.map((f) => [f.rule_version, f.severity])).toEqual([['1', 'medium']]);
    expect(first[0].explanation).toMatch(/^Viewer v-watch-\w+ played t-\w+\.$/);

    const updated = await request(t.http)
      .put(`/api/v1/compliance/rules/${id}`)
      .set(auth(admin))
      .send({ ...titleRule(id, [title], 'critical'), id: undefined })
      .expect(200);
    expect(updated.body).toMatchObject({
      ruleId: id,
      version: 2,
      enabled: true,
      definition: { severity: 'critical' },
    });
    const history = await request(t.http)
      .get(`/api/v1/compliance/rules/${id}`)
      .set(auth(auditor))
      .expect(200);
    expect(
      history.body.versions.map((v: { version: number; isCurrent: boolean }) => [v.version, v.isCurrent]),
    ).toEqual([
      [2, true],
      [1, false],
    ]);
    const second = await play();
    expect(second.map((f) => [f.rule_version, f.severity])).toEqual([['2', 'critical']]);
    // The version-1 finding still says version 1.
    const [old] = await ds.query(`SELECT rule_version FROM findings WHERE dedup_key = $1`, [
      first[0].dedup_key,
    ]);
    expect(old.rule_version).toBe('1');

    await request(t.http)
      .put(`/api/v1/compliance/rules/${id}`)
      .set(auth(admin))
      .send({ ...titleRule(id, [title]), id: 'OTHER-1' })
      .expect(400);
    const broken = await request(t.http)
      .put(`/api/v1/compliance/rules/${id}`)
      .set(auth(admin))
      .send({ ...titleRule(id, [title]), id: undefined, explanation: '42' })
      .expect(400);
    expect(broken.body.details[0].field).toBe('explanation');
    await request(t.http)
      .put('/api/v1/compliance/rules/NOPE-404')
      .set(auth(admin))
      .send({ ...titleRule('NOPE-404', ['x']), id: undefined })
      .expect(404);

    const disabled = await request(t.http)
      .post(`/api/v1/compliance/rules/${id}/disable`)
      .set(auth(officer))
      .expect(200);
    expect(disabled.body).toMatchObject({ version: 2, enabled: false, changed: true });
    expect(
      (await request(t.http).post(`/api/v1/compliance/rules/${id}/disable`).set(auth(officer)).expect(200))
        .body.changed,
    ).toBe(false);
    expect(await play()).toEqual([]);
    const listed = await request(t.http)
      .get('/api/v1/compliance/rules?enabled=false&framework=VPPA&limit=500')
      .set(auth(analyst))
      .expect(200);
    expect(listed.body.items.map((r: { ruleId: string }) => r.ruleId)).toContain(id);

    await request(t.http).post(`/api/v1/compliance/rules/${id}/enable`).set(auth(officer)).expect(200);
    expect((await play()).map((f) => f.rule_version)).toEqual(['2']);

    const audit = await ds.query(
      `SELECT action, details FROM audit_log WHERE target_type = 'compliance_rule' AND target_id = $1 ORDER BY id`,
      [id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      'compliance.rule.created',
      'compliance.rule.updated',
      'compliance.rule.disabled',
      'compliance.rule.enabled',
    ]);
    expect(audit[1].details).toMatchObject({ version: 2, previousVersion: 1, changedFields: ['severity'] });
  });

  it('back-tests a changed rule on stored events and returns the diff, writing nothing', async () => {
    // Stored history: consent withdrawn, then a service reads 3 h later (GDPR-01 v1 flags it). A
    // 5-hour grace period in the draft makes that finding disappear; a second viewer read 8 h later keeps it.
    const start = new Date(Date.now() - 20 * HOUR);
    const near = viewerId('bt-near');
    const far = viewerId('bt-far');
    const sequences = [near, far].map((userId, i) =>
      new Sequence(userId, start, { country: 'DE' })
        .add('account.created', { birthYear: 1990, country: 'DE' })
        .add('consent.granted', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' })
        .add(
          'consent.withdrawn',
          { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' },
          {},
          HOUR,
        )
        .add(
          'data.accessed',
          { categories: ['viewing_history'], purpose: 'personalisation', recordCount: 1 },
          { actor: { type: 'service', id: 'recsys' } },
          (i === 0 ? 3 : 8) * HOUR,
        ),
    );
    await sendEvents(
      t,
      apiKey,
      sequences.flatMap((s) => s.events),
    );
    for (const s of sequences) await afterCompliance(t, apiKey, s.last.eventId);
    for (const s of sequences)
      expect((await complianceFindings(ds, s.userId)).map((f) => f.rule_id)).toEqual(['GDPR-01']);

    const current = SEED_RULES.find((r) => r.id === 'GDPR-01')!;
    const { version: _v, ...base } = current;
    const draft = {
      ...base,
      parameters: { graceMinutes: { ...current.parameters!.graceMinutes, default: 300 } },
    };
    const counts = async () =>
      (
        await ds.query(`SELECT (SELECT count(*) FROM findings)::int AS findings, (SELECT count(*) FROM compliance_rules)::int AS rules,
                               (SELECT revision FROM compliance_rule_revision)::int AS revision,
                               (SELECT max(updated_at) FROM compliance_viewer_state) AS state`)
      )[0];
    const before = await counts();
    // The range starts after the withdrawals: state is rebuilt from each viewer's earlier events.
    const from = new Date(start.getTime() + 2 * HOUR);
    const run = await backtest(analyst, { draft, from: from.toISOString(), to: new Date().toISOString() });
    expect(run).toMatchObject({ state: 'succeeded', error: null, ruleId: 'GDPR-01', draftVersion: 2 });
    expect(await counts()).toEqual(before);
    const [audited] = await ds.query(
      `SELECT action, target_id, details FROM audit_log WHERE action = 'compliance.rule.backtested' ORDER BY id DESC LIMIT 1`,
    );
    expect(audited).toMatchObject({
      target_id: 'GDPR-01',
      details: { runId: run.runId, draftVersion: 2, comparedWithVersion: 1 },
    });
    const [finished] = await ds.query(
      `SELECT details FROM audit_log WHERE action = 'compliance.rule.backtest_finished' AND details->>'runId' = $1`,
      [run.runId],
    );
    expect(finished.details).toMatchObject({ state: 'succeeded', error: null });

    const body = run.result;
    expect(body.rule).toEqual({ ruleId: 'GDPR-01', draftVersion: 2, comparedWithVersion: 1 });
    expect(body.warmUp.viewers).toBeGreaterThanOrEqual(2);
    const disappeared = body.diff.disappearedSamples.map((f: { userId: string }) => f.userId);
    expect(disappeared).toContain(near);
    expect(disappeared).not.toContain(far);
    expect(body.draft.samples.map((f: { userId: string }) => f.userId)).toContain(far);
    expect(body.current.total - body.draft.total).toBe(body.diff.disappeared - body.diff.appeared);
    expect(body.diff.disappeared).toBeGreaterThanOrEqual(1);
    const day = sequences[0].last.occurredAt.slice(0, 10);
    expect(Object.keys(body.draft.byDay).length + Object.keys(body.current.byDay).length).toBeGreaterThan(0);
    expect(
      body.current.byDay[day] ?? body.current.byDay[sequences[1].last.occurredAt.slice(0, 10)],
    ).toBeGreaterThanOrEqual(1);
    expect(body.sampleEvents.map((e: { eventId: string }) => e.eventId)).toEqual(
      expect.arrayContaining([sequences[0].last.eventId, sequences[1].last.eventId]),
    );

    // A new rule id is compared with nothing; a broken draft is a 400 naming draft.<field>.
    const fresh = await backtest(officer, {
      draft: { ...draft, id: `T-NEW-${randomBytes(3).toString('hex')}` },
      from: from.toISOString(),
      to: new Date().toISOString(),
    });
    expect(fresh.result.current).toBeNull();
    expect(fresh.result.rule.comparedWithVersion).toBeNull();
    const bad = await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(officer))
      .send({
        draft: { ...draft, condition: 'consent.at' },
        from: from.toISOString(),
        to: new Date().toISOString(),
      })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['draft.condition']);
    const shape = await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(officer))
      .send({ draft: { ...draft, severity: 'urgent' }, from: 'yesterday', to: new Date().toISOString() })
      .expect(400);
    expect(shape.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'draft.severity',
      'from',
    ]);
    await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(officer))
      .send({ draft, from: new Date().toISOString(), to: from.toISOString() })
      .expect(400);
    await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(auditor))
      .send({ draft, from: from.toISOString(), to: new Date().toISOString() })
      .expect(403);
    await request(t.http).get(`/api/v1/compliance/rules/backtest/${run.runId}`).set(auth(auditor)).expect(403);
    await request(t.http)
      .get('/api/v1/compliance/rules/backtest/00000000-0000-4000-8000-000000000000')
      .set(auth(analyst))
      .expect(404);
    const notId = await request(t.http).get('/api/v1/compliance/rules/backtest/nope').set(auth(analyst)).expect(400);
    expect(notId.body.details.map((d: { field: string }) => d.field)).toEqual(['runId']);
  });

  it("serves a viewer's consent ledger and open requests, auditing each read", async () => {
    const userId = viewerId('ledger');
    const s = new Sequence(userId, new Date(Date.now() - 10 * HOUR), { country: 'GB' })
      .add('account.created', { birthYear: 1990, country: 'GB' })
      .add('consent.granted', { purpose: 'analytics', basis: 'consent', noticeVersion: '2026-02' })
      .add('consent.granted', { purpose: 'marketing', basis: 'consent', noticeVersion: '2026-02' })
      .add('consent.withdrawn', { purpose: 'analytics', basis: 'consent', noticeVersion: '2026-02' })
      .add('dsr.opened', { requestId: `r-${userId}`, type: 'access', jurisdiction: 'GB' })
      .add(
        'dsr.paused',
        { requestId: `r-${userId}`, reason: 'id_verification' },
        { actor: { type: 'staff', id: 's-7' } },
        HOUR,
      );
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);

    const ledger = await request(t.http)
      .get(`/api/v1/compliance/viewers/${userId}/consents`)
      .set(auth(auditor))
      .expect(200);
    expect(ledger.body.total).toBe(3);
    expect(
      ledger.body.history.map((c: { purpose: string; state: string }) => `${c.purpose}:${c.state}`),
    ).toEqual(['analytics:withdrawn', 'marketing:granted', 'analytics:granted']);
    expect(
      ledger.body.current.map((c: { purpose: string; state: string }) => `${c.purpose}:${c.state}`).sort(),
    ).toEqual(['analytics:withdrawn', 'marketing:granted']);
    const page = await request(t.http)
      .get(`/api/v1/compliance/viewers/${userId}/consents?limit=1&offset=1`)
      .set(auth(analyst))
      .expect(200);
    expect(page.body.history).toHaveLength(1);

    const requests = await request(t.http)
      .get(`/api/v1/compliance/viewers/${userId}/requests`)
      .set(auth(officer))
      .expect(200);
    expect(requests.body.requests).toEqual([
      expect.objectContaining({
        requestId: `r-${userId}`,
        type: 'access',
        jurisdiction: 'GB',
        calendar: 'UK_GDPR',
        status: 'paused',
        overdue: false,
        pauses: [expect.objectContaining({ reason: 'id_verification', to: null })],
      }),
    ]);
    // The UK clock is stopped while the request is paused: the due date moves with the pause.
    expect(new Date(requests.body.requests[0].dueAt).getTime()).toBeGreaterThan(
      new Date(requests.body.requests[0].firstDueAt).getTime() - 1,
    );

    await request(t.http)
      .get(`/api/v1/compliance/viewers/not a viewer/consents`)
      .set(auth(officer))
      .expect(400);
    const badQuery = await request(t.http)
      .get(`/api/v1/compliance/viewers/${userId}/requests?status=closed`)
      .set(auth(officer))
      .expect(400);
    expect(badQuery.body.details[0].field).toBe('status');

    const audit = await ds.query(
      `SELECT action, details->>'view' AS view FROM audit_log WHERE target_type = 'viewer' AND target_id = $1 ORDER BY id`,
      [userId],
    );
    expect(audit).toEqual([
      { action: 'compliance.viewer.read', view: 'consents' },
      { action: 'compliance.viewer.read', view: 'consents' },
      { action: 'compliance.viewer.read', view: 'requests' },
    ]);
  });
});
