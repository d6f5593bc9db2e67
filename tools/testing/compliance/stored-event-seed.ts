/**
 * Fixtures for the compliance benchmarks: a database of their own, migrated from empty, and synthetic
 * events stored as reception leaves them (pipeline_batches, event_receipts, processed_events), written
 * with set-based INSERT … unnest in chunks so a million events never sit in memory at once.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../../src/database/typeorm-options';
import type { ComplianceEvent } from '../../../src/compliance/domain/compliance-event';

export const DEFAULT_BENCH_DATABASE_URL =
  'postgres://postgres@127.0.0.1:5432/ott_compliance_bench_compliance';

export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = url.pathname.replace(/^\//, '');
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

export async function openDatabase(
  databaseUrl: string,
  poolSize: number,
  migrate: boolean,
): Promise<DataSource> {
  const ds = new DataSource({ ...typeormOptions(databaseUrl, poolSize), logging: false });
  await ds.initialize();
  if (migrate) await ds.runMigrations({ transaction: 'each' });
  return ds;
}

/**
 * Stores events in batches of `batchSize` (one pipeline batch each); returns the batch ids in order.
 * `receipts: false` writes processed_events only (what back-testing reads).
 */
export async function storeEvents(
  ds: DataSource,
  events: Iterable<ComplianceEvent>,
  {
    batchSize = 500,
    chunk = 5000,
    receipts = true,
  }: { batchSize?: number; chunk?: number; receipts?: boolean } = {},
): Promise<string[]> {
  const batchIds: string[] = [];
  let pending: ComplianceEvent[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    const batches: string[] = [];
    const batchOf: string[] = [];
    rows.forEach((_, i) => {
      if (i % batchSize === 0) batches.push(randomUUID());
      batchOf.push(batches[batches.length - 1]);
    });
    batchIds.push(...batches);
    await ds.transaction(async (tx) => {
      if (receipts) await storeReceipts(tx, rows, batches, batchOf, batchSize);
      await tx.query(
        `INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, actor_id, country,
                                       ip_prefix, device_id, session_id, data)
         SELECT e, o, o, t, u, at, ai, c, ip, d, s, x
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::char(2)[],
                       $8::cidr[], $9::text[], $10::text[], string_to_array($11, chr(30))::jsonb[])
                AS r(e, o, t, u, at, ai, c, ip, d, s, x)`,
        [
          rows.map((e) => e.eventId),
          rows.map((e) => e.occurredAt.toISOString()),
          rows.map((e) => e.type),
          rows.map((e) => e.userId),
          rows.map((e) => e.actorType),
          rows.map((e) => e.actorId),
          rows.map((e) => e.country),
          rows.map((e) => e.ipPrefix),
          rows.map((e) => e.deviceId),
          rows.map((e) => e.sessionId),
          rows.map((e) => JSON.stringify(e.gpc ? { ...e.data, gpc: true } : e.data)).join('\x1e'),
        ],
      );
    });
  };
  for (const event of events) {
    pending.push(event);
    if (pending.length >= chunk) await flush();
  }
  await flush();
  return batchIds;
}

async function storeReceipts(
  tx: Pick<DataSource, 'query'>,
  rows: ComplianceEvent[],
  batches: string[],
  batchOf: string[],
  batchSize: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO pipeline_batches (batch_id, event_count, stage, status)
     SELECT b, $2, 'done', 'done' FROM unnest($1::uuid[]) AS t(b)`,
    [batches, batchSize],
  );
  await tx.query(
    `INSERT INTO event_receipts (event_id, occurred_at, batch_id, source)
     SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::text[])`,
    [
      rows.map((e) => e.eventId),
      rows.map((e) => e.occurredAt.toISOString()),
      batchOf,
      rows.map(() => 'bench'),
    ],
  );
}

/**
 * Gives synthetic events (ids "syn-N") UUIDs, as the event contract requires, and optionally spreads
 * them `stretch` times further apart in time (a million synthetic events span about a day; 25 makes it
 * a month).
 */
export function* withUuids(events: Iterable<ComplianceEvent>, stretch = 1): Generator<ComplianceEvent> {
  let origin: number | null = null;
  for (const e of events) {
    const at = e.occurredAt.getTime();
    origin ??= at;
    yield {
      ...e,
      eventId: randomUUID(),
      occurredAt: stretch === 1 ? e.occurredAt : new Date(origin + (at - origin) * stretch),
    };
  }
}
