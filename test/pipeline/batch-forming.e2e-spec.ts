import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventValidator } from '../../src/ingestion/dto/event-validator';
import { BatchNoLongerOpen, EventStore } from '../../src/ingestion/persistence/event-store.repository';
import type { AcceptItem } from '../../src/ingestion/persistence/event-store.repository';
import { PipelineBatchesRepository } from '../../src/pipeline/persistence/pipeline-batches.repository';
import { Role } from '../../src/security/roles';
import { makeEvent, makeEvents } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';

function acceptItems(count: number): AcceptItem[] {
  const validator = new EventValidator();
  return makeEvents(count).map((plain) => {
    const outcome = validator.validate(plain);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    return { event: outcome.event, source: 'test' };
  });
}

async function batchesOf(ds: DataSource, eventIds: string[]) {
  return ds.query(
    `SELECT b.batch_id, b.status, b.event_count, count(r.event_id)::int AS receipts
       FROM pipeline_batches b JOIN event_receipts r ON r.batch_id = b.batch_id
      WHERE b.batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))
      GROUP BY b.batch_id`,
    [eventIds],
  ) as Promise<{ batch_id: string; status: string; event_count: number; receipts: number }[]>;
}

describe('pipeline batches accumulate accepted events', () => {
  let t: TestApp;
  let ds: DataSource;
  let key: string;

  beforeAll(async () => {
    t = await bootTestApp({
      APP_ROLE: 'all',
      PIPELINE_BATCH_EVENTS: '100',
      PIPELINE_BATCH_WAIT_MS: '200',
      STALL_AFTER_MS: '1500',
      SWEEP_INTERVAL_MS: '500',
    });
    ds = t.app.get(DataSource);
    const admin = await tokenFor(t.app, [Role.Admin]);
    key = (
      await request(t.http)
        .post('/api/v1/admin/api-keys')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'batch forming' })
        .expect(201)
    ).body.key;
  });
  afterAll(() => t.close());

  it('gathers concurrent single events into a few batches of counted events, every one processed', async () => {
    const events = Array.from({ length: 240 }, (_, i) =>
      makeEvent('playback.started', { userId: `v-former-${i % 13}` }),
    );
    for (let i = 0; i < events.length; i += 40) {
      await Promise.all(
        events
          .slice(i, i + 40)
          .map((event) =>
            request(t.http).post('/api/v1/events').set('X-API-Key', key).send(event).expect(202),
          ),
      );
    }
    const ids = events.map((e) => e.eventId as string);
    const batches = await waitFor(
      () => batchesOf(ds, ids),
      (list) => list.length > 0 && list.every((b) => b.status === 'done'),
      { timeoutMs: 30_000 },
    );
    // 240 requests; the target is 100 events, so at least 3 batches, and far fewer than one per request.
    expect(batches.length).toBeGreaterThanOrEqual(3);
    expect(batches.length).toBeLessThanOrEqual(24);
    for (const batch of batches) {
      expect(batch.event_count).toBe(batch.receipts);
      expect(batch.event_count).toBeLessThanOrEqual(100);
    }
    expect(batches.reduce((sum, b) => sum + b.receipts, 0)).toBe(240);
    const [{ processed }] = await ds.query(
      `SELECT count(*)::int AS processed FROM processed_events WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    expect(processed).toBe(240);
  });

  it('closes an open batch its API process left behind and processes its events', async () => {
    // What a process that died between commit and close leaves: committed events in an open batch.
    const items = acceptItems(30);
    const batchId = randomUUID();
    expect(await t.app.get(EventStore).accept(items, batchId)).toEqual(items.map(() => true));
    const [row] = await ds.query(`SELECT status FROM pipeline_batches WHERE batch_id = $1`, [batchId]);
    expect(row.status).toBe('open');

    const done = await waitFor(
      async () =>
        (
          await ds.query(`SELECT status, event_count FROM pipeline_batches WHERE batch_id = $1`, [batchId])
        )[0],
      (b) => b.status === 'done',
      { timeoutMs: 20_000 },
    );
    expect(done.event_count).toBe(30);
    const [{ processed }] = await ds.query(
      `SELECT count(*)::int AS processed FROM processed_events WHERE event_id = ANY($1::uuid[])`,
      [items.map((i) => i.event.eventId)],
    );
    expect(processed).toBe(30);
  });

  it('refuses a commit into a batch that was closed, and deletes a closed batch that got no events', async () => {
    const store = t.app.get(EventStore);
    const batches = t.app.get(PipelineBatchesRepository);
    const batchId = randomUUID();
    const first = acceptItems(5);
    await store.accept(first, batchId);
    expect(await batches.close(batchId)).toBe(5);
    expect(await batches.close(batchId)).toBeNull();
    await expect(store.accept(acceptItems(5), batchId)).rejects.toBeInstanceOf(BatchNoLongerOpen);

    // Only duplicates: the batch row is created, then deleted when closed with nothing in it.
    const empty = randomUUID();
    expect(await store.accept(first, empty)).toEqual(first.map(() => false));
    expect(await batches.close(empty)).toBe(0);
    expect(await ds.query(`SELECT 1 FROM pipeline_batches WHERE batch_id = $1`, [empty])).toHaveLength(0);
  });

  it('makes closing wait for a commit still writing into the batch, and counts its events', async () => {
    const batchId = randomUUID();
    const store = t.app.get(EventStore);
    await store.accept(acceptItems(3), batchId);
    // Hold a second commit's transaction open, as a slow commit would, then try to close.
    const runner = ds.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT status FROM pipeline_batches WHERE batch_id = $1 FOR SHARE`, [batchId]);
    const extra = acceptItems(4);
    await runner.query(
      `INSERT INTO event_receipts (event_id, occurred_at, batch_id, source) SELECT e, now(), $1, 'test' FROM unnest($2::uuid[]) AS e`,
      [batchId, extra.map((i) => i.event.eventId)],
    );
    let closedWith: number | null | undefined;
    const closing = t.app
      .get(PipelineBatchesRepository)
      .close(batchId)
      .then((n) => (closedWith = n));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closedWith).toBeUndefined();
    await runner.commitTransaction();
    await runner.release();
    await closing;
    expect(closedWith).toBe(7);
  });
});
