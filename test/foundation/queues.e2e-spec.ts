import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALL_QUEUES, QueueName } from '../../src/pipeline/pipeline.constants';
import { StageQueues } from '../../src/pipeline/stage-queues.service';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';

describe('queues and workers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
  });
  afterAll(() => t.close());

  it('registers the six queues with explicit retry and retention defaults', () => {
    expect(ALL_QUEUES).toEqual(['reception', 'compliance', 'ml', 'violation', 'alerting', 'dead-letter']);
    for (const name of ALL_QUEUES) {
      const queue = t.app.get<Queue>(getQueueToken(name));
      const defaults = queue.defaultJobOptions;
      expect(defaults.attempts).toBeGreaterThanOrEqual(1);
      expect(defaults.removeOnComplete).toBeDefined();
      expect(defaults.removeOnFail).toBeDefined();
      if (name !== QueueName.deadLetter) {
        expect(defaults.backoff).toEqual({ type: 'exponential', delay: expect.any(Number) });
        expect(defaults.removeOnComplete).toEqual({ age: expect.any(Number), count: expect.any(Number) });
      }
    }
  });

  it('runs a batch through every stage to done', async () => {
    const ds = t.app.get(DataSource);
    const batchId = randomUUID();
    await ds.query(
      `INSERT INTO pipeline_batches (batch_id, event_count, stage, status) VALUES ($1, 1, 'reception', 'queued')`,
      [batchId],
    );
    await t.app.get(StageQueues).enqueue('reception', batchId);
    const row = await waitFor(
      async () => (await ds.query(`SELECT stage, status FROM pipeline_batches WHERE batch_id = $1`, [batchId]))[0],
      (r) => r.status === 'done',
    );
    expect(row).toEqual({ stage: 'done', status: 'done' });
  });
});

describe('APP_ROLE=api', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('starts no workers', async () => {
    for (const name of ALL_QUEUES) {
      const queue = t.app.get<Queue>(getQueueToken(name));
      expect(await queue.getWorkersCount()).toBe(0);
    }
  });
});
