import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { STAGE_PROCESSORS } from '../../src/pipeline/stages/stage.processor';
import { Role } from '../../src/security/roles';
import { makeEvents } from '../support/events';
import { bootTestApp, deleteQueueKeys, TEST_REDIS_URL, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import { startWorkerProcess } from '../support/worker-process';

async function ingestKey(t: TestApp): Promise<string> {
  const admin = await tokenFor(t.app, [Role.Admin]);
  return (await request(t.http).post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${admin}`).send({ name: 'durability' }).expect(201)).body.key;
}

async function sendBatches(t: TestApp, key: string, batches: number, size: number): Promise<string[]> {
  const accepted: string[] = [];
  for (let i = 0; i < batches; i++) {
    const res = await request(t.http).post('/api/v1/events/batch').set('X-API-Key', key).send({ events: makeEvents(size) }).expect(202);
    accepted.push(...res.body.accepted);
  }
  return accepted;
}

/** Every accepted event went through to the end, once: one processed row each, every batch done. */
async function expectAllProcessedOnce(ds: DataSource, accepted: string[]): Promise<void> {
  const [{ processed, distinct }] = await ds.query(
    `SELECT count(*)::int AS processed, count(DISTINCT event_id)::int AS distinct FROM processed_events WHERE event_id = ANY($1::uuid[])`,
    [accepted],
  );
  expect(processed).toBe(accepted.length);
  expect(distinct).toBe(accepted.length);
  const [{ unfinished }] = await ds.query(
    `SELECT count(*)::int AS unfinished FROM pipeline_batches b WHERE EXISTS (
       SELECT 1 FROM event_receipts r WHERE r.batch_id = b.batch_id AND r.event_id = ANY($1::uuid[])) AND b.status <> 'done'`,
    [accepted],
  );
  expect(unfinished).toBe(0);
}

async function batchesDone(ds: DataSource, accepted: string[]): Promise<{ done: number; total: number }> {
  const [row] = await ds.query(
    `SELECT count(*) FILTER (WHERE b.status = 'done')::int AS done, count(*)::int AS total FROM pipeline_batches b
      WHERE b.batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))`,
    [accepted],
  );
  return row;
}

describe('durable accept: Redis loses everything right after a batch is accepted', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all', STALL_AFTER_MS: '1000', SWEEP_INTERVAL_MS: '1000' });
  });
  afterAll(() => t.close());

  it('re-drives the stranded batches and processes every accepted event exactly once', async () => {
    const ds = t.app.get(DataSource);
    const key = await ingestKey(t);
    // Hold the reception worker so the jobs are still in Redis when it is wiped.
    const reception = t.app.get(STAGE_PROCESSORS.reception);
    await reception.worker.pause(true);
    const accepted = await sendBatches(t, key, 3, 200);
    expect(accepted).toHaveLength(600);
    const queue = t.app.get<Queue>(getQueueToken('reception'));
    // Batches close (and are enqueued) when full or after PIPELINE_BATCH_WAIT_MS: wait until every
    // batch of these events is closed and its job sits in Redis.
    await waitFor(
      async () => ({
        open: (
          await ds.query(
            `SELECT count(*)::int AS n FROM pipeline_batches WHERE status = 'open' AND batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))`,
            [accepted],
          )
        )[0].n,
        jobs: await queue.getJobCountByTypes('wait', 'prioritized'),
      }),
      (r) => r.open === 0 && r.jobs > 0,
      { timeoutMs: 10_000, intervalMs: 20 },
    );

    // Redis loses everything this app had in it: every key under its prefix (queues, viewer
    // state, cache, throttle counters). Never FLUSHALL: the server is shared with other runs.
    await deleteQueueKeys(TEST_REDIS_URL, t.config.queuePrefix);
    reception.worker.resume();

    await waitFor(() => batchesDone(ds, accepted), (r) => r.done === r.total, { timeoutMs: 30_000, intervalMs: 250 });
    await expectAllProcessedOnce(ds, accepted);
  });
});

describe('durable accept: a worker process is killed mid-batch', () => {
  let api: TestApp;
  const workers: ChildProcess[] = [];

  const startWorker = (prefix: string) => {
    const child = startWorkerProcess(prefix, { WORKER_CONCURRENCY: '1', STALL_AFTER_MS: '2000', SWEEP_INTERVAL_MS: '1000' });
    workers.push(child);
    return child;
  };

  beforeAll(async () => {
    api = await bootTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await api.close();
  });

  it('hands the killed worker\'s batches to another and processes every event exactly once', async () => {
    const ds = api.app.get(DataSource);
    const key = await ingestKey(api);
    const first = startWorker(api.config.queuePrefix);
    const accepted = await sendBatches(api, key, 30, 500);
    expect(accepted).toHaveLength(15_000);

    // Kill it for real (no graceful shutdown) while some batches are done and others are not.
    const progress = await waitFor(() => batchesDone(ds, accepted), (r) => r.done >= 1, { timeoutMs: 30_000, intervalMs: 20 });
    first.kill('SIGKILL');
    expect(progress.done).toBeLessThan(progress.total);

    startWorker(api.config.queuePrefix);
    await waitFor(() => batchesDone(ds, accepted), (r) => r.done === r.total, { timeoutMs: 90_000, intervalMs: 500 });
    await expectAllProcessedOnce(ds, accepted);
  }, 150_000);
});
