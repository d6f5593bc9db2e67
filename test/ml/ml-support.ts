import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { EventType } from '../../src/ingestion/domain/event-types';
import { FACTOR_NAMES } from '../../src/ml/domain/risk-factors';
import { syntheticViewerRows } from '../../tools/testing/ml/synthetic-viewers';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';

export function viewerId(label: string): string {
  return `v-ml-${label}-${randomBytes(4).toString('hex')}`;
}

/** An event of the viewer (as actor), `minutesAgo` before now, with the contract example's payload. */
export function viewerEvent(
  userId: string,
  type: EventType,
  minutesAgo: number,
  overrides: Record<string, unknown> = {},
) {
  return makeEvent(type, {
    userId,
    actor: { type: 'viewer', id: userId },
    occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    ...overrides,
  });
}

export async function ingestKey(t: TestApp): Promise<string> {
  const admin = await tokenFor(t.app, [Role.Admin]);
  const res = await request(t.http)
    .post('/api/v1/admin/api-keys')
    .set('Authorization', `Bearer ${admin}`)
    .send({ name: `ml e2e ${randomUUID().slice(0, 8)}` });
  return res.body.key;
}

export async function sendEvents(t: TestApp, apiKey: string, events: Record<string, any>[]): Promise<void> {
  const res = await request(t.http)
    .post('/api/v1/events/batch')
    .set('X-API-Key', apiKey)
    .send({ events })
    .expect(202);
  if (res.body.rejected.length > 0) throw new Error(`events rejected: ${JSON.stringify(res.body.rejected)}`);
}

/** Waits until every one of these events has been through the whole pipeline. */
export async function untilDone(ds: DataSource, eventIds: string[]): Promise<void> {
  await waitFor(
    async () =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM event_receipts e JOIN pipeline_batches b ON b.batch_id = e.batch_id
            WHERE e.event_id = ANY($1) AND b.stage = 'done'`,
          [eventIds],
        )
      )[0].n,
    (n) => n === eventIds.length,
    { timeoutMs: 30_000 },
  );
}

export async function riskRow(ds: DataSource, userId: string): Promise<Record<string, any> | undefined> {
  const [row] = await ds.query(
    `SELECT r.score, r.model_version, r.detector, r.factors, r.contributions, s.risk_tier, s.behaviour_segment
       FROM user_risk r LEFT JOIN user_segments s ON s.user_id = r.user_id WHERE r.user_id = $1`,
    [userId],
  );
  return row;
}

/**
 * Factor snapshots straight into the table (training needs many; producing them through the pipeline
 * would take minutes): synthetic viewers shaped like the platform's, 2% of them anomalous.
 * Returns the labels the simulator's ground truth would give them.
 */
export async function seedSnapshots(
  ds: DataSource,
  count: number,
  seed: number,
  /** the snapshots are taken within the six hours before this many hours ago */
  hoursAgo = 0,
): Promise<{ positive: string[]; negative: string[] }> {
  const rows = syntheticViewerRows(count, seed, 0.02);
  const tag = randomBytes(3).toString('hex');
  const users = rows.kinds.map((_, i) => `v-seed-${tag}-${i}`);
  const factors = rows.kinds.map(
    (_, i) =>
      `{${Array.from(rows.values.slice(i * FACTOR_NAMES.length, (i + 1) * FACTOR_NAMES.length)).join(',')}}`,
  );
  await ds.query(
    `INSERT INTO user_risk_snapshots (user_id, taken_at, factors)
     SELECT u, now() - ($3 * interval '1 hour') - (random() * interval '6 hours'), f::float8[]
       FROM unnest($1::text[], $2::text[]) AS t(u, f)`,
    [users, factors, hoursAgo],
  );
  return {
    positive: users.filter((_, i) => rows.kinds[i] !== 'ordinary'),
    negative: users.filter((_, i) => rows.kinds[i] === 'ordinary'),
  };
}
