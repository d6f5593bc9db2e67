import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';

describe('queue dashboard and queue operations', () => {
  let t: TestApp;
  let operator: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    operator = await tokenFor(t.app, [Role.Operator]);
  });
  afterAll(() => t.close());

  it('keeps the dashboard closed without credentials and to roles other than operator and admin', async () => {
    await request(t.http).get('/admin/queues').expect(401);
    const analyst = await tokenFor(t.app, [Role.Analyst]);
    await request(t.http).get('/admin/queues').set('Authorization', `Bearer ${analyst}`).expect(403);
    await request(t.http).get('/admin/queues').set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it('serves the dashboard to an operator by bearer token or by the dashboard cookie, listing every queue', async () => {
    await request(t.http).get('/admin/queues').set('Authorization', `Bearer ${operator}`).expect(200);
    const session = await request(t.http).post('/api/v1/auth/dashboard-session').set('Authorization', `Bearer ${operator}`).expect(204);
    const cookie = session.headers['set-cookie'][0] as string;
    expect(cookie).toMatch(/^ott_dashboard=.+; Max-Age=\d+; Path=\/admin\/queues; Expires=.+; HttpOnly; SameSite=Strict$/);
    const api = await request(t.http).get('/admin/queues/api/queues?activeQueue=&status=latest&page=1').set('Cookie', cookie.split(';')[0]).expect(200);
    const names = api.body.queues.map((q: { name: string }) => q.name).sort();
    expect(names).toEqual([
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
    ]);
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
  });

  it('pauses and resumes a stage through the audited API', async () => {
    const paused = await request(t.http).post('/api/v1/pipeline/queues/compliance/pause').set('Authorization', `Bearer ${operator}`).expect(200);
    expect(paused.body).toEqual({ name: 'compliance', paused: true });
    const overview = await request(t.http).get('/api/v1/pipeline/queues').set('Authorization', `Bearer ${operator}`).expect(200);
    expect(overview.body.find((q: { name: string }) => q.name === 'compliance').paused).toBe(true);
    await request(t.http).post('/api/v1/pipeline/queues/compliance/resume').set('Authorization', `Bearer ${operator}`).expect(200, { name: 'compliance', paused: false });
    await request(t.http).post('/api/v1/pipeline/queues/nonsense/pause').set('Authorization', `Bearer ${operator}`).expect(404);
    await request(t.http).get('/api/v1/pipeline/queues/reception/failed').set('Authorization', `Bearer ${operator}`).expect(200, []);
    const actions = await t.app.get(DataSource).query(`SELECT action FROM audit_log WHERE target_id = 'compliance' ORDER BY id`);
    expect(actions.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['pipeline.queue.paused', 'pipeline.queue.resumed']));
  });
});

describe('scheduled tasks: listed with their next run, and run now on request', () => {
  let t: TestApp;
  let operator: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    operator = await tokenFor(t.app, [Role.Operator]);
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string) => request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  });

  it('lists every task with its schedule and next run', async () => {
    const { body } = await as(operator).get('/pipeline/tasks').expect(200);
    const names = body.map((task: { name: string }) => task.name);
    expect(names).toEqual(expect.arrayContaining(['compliance-deadlines', 'sweep-stalled', 'partitions']));
    const sweep = body.find((task: { name: string }) => task.name === 'sweep-stalled');
    expect(sweep).toMatchObject({ pattern: null, everyMs: expect.any(Number), nextRunAt: expect.any(String) });
    expect(body.find((task: { name: string }) => task.name === 'partitions').pattern).toEqual(expect.any(String));
  });

  it('runs a task once on a worker, reports its result, and audits the request', async () => {
    const started = await as(operator).post('/pipeline/tasks/sweep-stalled/run').expect(202);
    expect(started.body).toMatchObject({ task: 'sweep-stalled', runId: expect.stringMatching(/^manual\.sweep-stalled\./) });
    const done = await waitFor(
      async () => (await as(operator).get(`/pipeline/tasks/runs/${started.body.runId}`).expect(200)).body,
      (run) => run.state === 'completed' || run.state === 'failed',
    );
    expect(done).toMatchObject({ state: 'completed', error: null, result: { redriven: expect.any(Number), closed: expect.any(Number) } });
    expect(done.finishedAt).toEqual(expect.any(String));
    const [audit] = await t.app
      .get(DataSource)
      .query(`SELECT action, details FROM audit_log WHERE target_id = 'sweep-stalled' ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({ action: 'pipeline.task.run_requested', details: { runId: started.body.runId } });
  });

  it('rebuilds the rollups as a job on a worker: 202 with a run id, the result from the run, never inside the request', async () => {
    const admin = await tokenFor(t.app, [Role.Admin]);
    const started = await as(admin).post('/analytics/rollups/rebuild').expect(202);
    expect(started.body).toMatchObject({ task: 'analytics-rollups-rebuild', runId: expect.stringMatching(/^manual\.analytics-rollups-rebuild\./) });
    const done = await waitFor(
      async () => (await as(admin).get(`/pipeline/tasks/runs/${started.body.runId}`).expect(200)).body,
      (run) => run.state === 'completed' || run.state === 'failed',
    );
    expect(done).toMatchObject({ state: 'completed', error: null, result: expect.objectContaining({}) });
    const [audit] = await t.app
      .get(DataSource)
      .query(`SELECT details FROM audit_log WHERE action = 'analytics.rollups.rebuild' ORDER BY id DESC LIMIT 1`);
    expect(audit.details).toEqual({ runId: started.body.runId });
    // An on-demand task has no schedule: it is not listed among the timed tasks.
    const { body } = await as(operator).get('/pipeline/tasks').expect(200);
    expect(body.map((task: { name: string }) => task.name)).not.toContain('analytics-rollups-rebuild');
  });

  it('answers 404 for an unknown task or run, and 403 to roles other than operator and admin', async () => {
    const unknown = await as(operator).post('/pipeline/tasks/no-such-task/run').expect(404);
    expect(unknown.body.message).toContain('sweep-stalled');
    await as(operator).get('/pipeline/tasks/runs/manual.nothing.here').expect(404);
    await as(operator).get('/pipeline/tasks/runs/partitions').expect(404); // a scheduler's own job is not a manual run
    const analyst = await tokenFor(t.app, [Role.Analyst]);
    await as(analyst).post('/pipeline/tasks/sweep-stalled/run').expect(403);
    await request(t.http).get('/api/v1/pipeline/tasks').expect(401);
  });
});
