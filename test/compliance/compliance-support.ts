import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import type { EventType } from '../../src/ingestion/domain/event-types';

/** A viewer id no other test uses. */
export function viewerId(label: string): string {
  return `v-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * A time-ordered event sequence for one viewer, built from the contract's examples: each event one
 * second after the previous, or `gap` ms later.
 */
export class Sequence {
  readonly events: Record<string, any>[] = [];
  private t: number;

  constructor(
    readonly userId: string,
    start: Date,
    private readonly context: Record<string, unknown> = {},
  ) {
    this.t = start.getTime();
  }

  add(
    type: EventType,
    data: Record<string, unknown> | undefined,
    overrides: Record<string, unknown> = {},
    gapMs = 1000,
  ): this {
    this.t += gapMs;
    const event = makeEvent(type, {
      userId: this.userId,
      actor: { type: 'viewer', id: this.userId },
      ...this.context,
      ...overrides,
      occurredAt: new Date(this.t).toISOString(),
    });
    if (data === undefined) delete event.data;
    else event.data = data;
    this.events.push(event);
    return this;
  }

  get last(): Record<string, any> {
    return this.events[this.events.length - 1];
  }
}

export async function ingestKey(t: TestApp): Promise<string> {
  const admin = await tokenFor(t.app, [Role.Admin]);
  return (
    await request(t.http)
      .post('/api/v1/admin/api-keys')
      .set('Authorization', `Bearer ${admin}`)
      .send({ name: `compliance e2e ${randomUUID().slice(0, 8)}` })
      .expect(201)
  ).body.key;
}

export async function sendEvents(t: TestApp, apiKey: string, events: Record<string, any>[]): Promise<void> {
  const res = await request(t.http)
    .post('/api/v1/events/batch')
    .set('X-API-Key', apiKey)
    .send({ events })
    .expect(202);
  if (res.body.rejected.length > 0) throw new Error(`events rejected: ${JSON.stringify(res.body.rejected)}`);
}

const PAST_COMPLIANCE = new Set(['ml', 'violation', 'alerting', 'done']);

/** Waits until the event's batch has left the compliance stage, and returns GET /events/:id. */
export async function afterCompliance(
  t: TestApp,
  apiKey: string,
  eventId: string,
): Promise<Record<string, any>> {
  return waitFor(
    async () => (await request(t.http).get(`/api/v1/events/${eventId}`).set('X-API-Key', apiKey)).body,
    (s) => PAST_COMPLIANCE.has(s.stage),
  );
}

export async function complianceFindings(ds: DataSource, userId: string): Promise<Record<string, any>[]> {
  return ds.query(
    `SELECT rule_id, rule_version, framework, reference, severity, explanation, evidence_event_ids::text[] AS evidence,
            event_id, details, dedup_key, occurred_at
       FROM findings WHERE kind = 'compliance' AND user_id = $1 ORDER BY id`,
    [userId],
  );
}

/**
 * A batch written straight to the tables, as reception leaves it, for tests that call the stage directly.
 * Marked done so that no worker (nor the stalled-batch sweeper) picks it up behind the test's back.
 */
export async function seedBatch(ds: DataSource, events: Record<string, any>[]): Promise<string> {
  const batchId = randomUUID();
  await ds.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO pipeline_batches (batch_id, event_count, stage, status, stage_entered_at) VALUES ($1, $2, 'done', 'done', now())`,
      [batchId, events.length],
    );
    await tx.query(
      `INSERT INTO event_receipts (event_id, occurred_at, batch_id, source)
       SELECT e, o, $1, 'test' FROM unnest($2::uuid[], $3::timestamptz[]) AS t(e, o)`,
      [batchId, events.map((e) => e.eventId), events.map((e) => e.occurredAt)],
    );
    await tx.query(
      `INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, actor_id, country, data)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::char(2)[], $8::jsonb[])`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.occurredAt),
        events.map((e) => e.type),
        events.map((e) => e.userId ?? null),
        events.map((e) => e.actor.type),
        events.map((e) => e.actor.id),
        events.map((e) => e.country ?? null),
        events.map((e) => JSON.stringify(e.data ?? {})),
      ],
    );
  });
  return batchId;
}
