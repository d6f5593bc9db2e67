import { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { makeEvents } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import { startWorkerProcess } from '../support/worker-process';

/**
 * One API process and two worker processes sharing Redis and PostgreSQL, each worker running
 * only some stages (WORKER_STAGES): every event goes through every stage exactly once.
 */
describe('scale-out: API + two workers with split stages', () => {
  let api: TestApp;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    api = await bootTestApp({ APP_ROLE: 'api' });
    workers.push(startWorkerProcess(api.config.queuePrefix, { WORKER_STAGES: 'reception,compliance' }));
    workers.push(startWorkerProcess(api.config.queuePrefix, { WORKER_STAGES: 'ml,violation,alerting' }));
  });
  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGTERM');
    await api.close();
  });

  it('processes every accepted event exactly once across the processes', async () => {
    const admin = await tokenFor(api.app, [Role.Admin]);
    const key = (await request(api.http).post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${admin}`).send({ name: 'scale-out' })).body.key;
    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await request(api.http).post('/api/v1/events/batch').set('X-API-Key', key).send({ events: makeEvents(200) }).expect(202);
      accepted.push(...res.body.accepted);
    }
    const ds = api.app.get(DataSource);
    const progress = () =>
      ds
        .query(
          `SELECT count(*) FILTER (WHERE b.status = 'done')::int AS done, count(*)::int AS total FROM pipeline_batches b
            WHERE b.batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))`,
          [accepted],
        )
        .then((rows) => rows[0]);
    await waitFor(progress, (p) => p.total > 0 && p.done === p.total, { timeoutMs: 60_000, intervalMs: 250 });

    const [{ processed, distinct }] = await ds.query(
      `SELECT count(*)::int AS processed, count(DISTINCT event_id)::int AS distinct FROM processed_events WHERE event_id = ANY($1::uuid[])`,
      [accepted],
    );
    expect({ processed, distinct }).toEqual({ processed: 2000, distinct: 2000 });
    // No batch needed the sweeper: the split workers handed every batch on by themselves.
    const [{ redriven }] = await ds.query(
      `SELECT count(*)::int AS redriven FROM pipeline_batches
        WHERE redrive_count > 0 AND batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))`,
      [accepted],
    );
    expect(redriven).toBe(0);
  }, 90_000);
});
