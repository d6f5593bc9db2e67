import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { autocommitPrepared } from '../../database/sql';
import { retryTransaction } from '../../database/transaction-retry';
import type { IngestedEvent } from '../domain/event-payloads';
import type { EventFinding, EventStatus } from '../domain/event-status';

export interface AcceptItem {
  event: IngestedEvent;
  /** who sent it: the API key or user id */
  source: string;
}

/** The open batch a commit wrote into was closed meanwhile (by the sweeper): commit again into another. */
export class BatchNoLongerOpen extends Error {
  constructor(readonly batchId: string) {
    super(`pipeline batch ${batchId} is no longer open`);
  }
}

/**
 * One statement, so one round trip and its own transaction: the first commit of a batch creates its row
 * (event_count is a placeholder until the batch is closed and counted); a later one takes a share lock
 * on it until the statement commits, so closing the batch waits for it and every event committed into a
 * batch is counted and seen by reception. Receipts (the idempotency keys) and raw events are written
 * only while the batch is open, and a raw event only for a receipt that was new. Every part of the
 * statement sees the snapshot taken when it started: a batch row another commit created since is
 * 'unseen' (neither created here nor visible), and the caller runs the statement again.
 */
const ACCEPT = `
  WITH created AS (
    INSERT INTO pipeline_batches (batch_id, event_count, stage, status) VALUES ($1, $2, 'reception', 'open')
    ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id
  ), existing AS (
    SELECT status FROM pipeline_batches WHERE batch_id = $1 FOR SHARE
  ), batch AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM created) THEN 'open'
                WHEN NOT EXISTS (SELECT 1 FROM existing) THEN 'unseen'
                WHEN (SELECT status FROM existing) = 'open' THEN 'open'
                ELSE 'closed' END AS state
  ), input AS (
    SELECT * FROM unnest($3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::jsonb[])
      AS t(event_id, occurred_at, source, type, user_id, payload)
     WHERE (SELECT state FROM batch) = 'open'
  ), receipts AS (
    INSERT INTO event_receipts (event_id, occurred_at, batch_id, source)
    SELECT event_id, occurred_at, $1, source FROM input
    ON CONFLICT (event_id) DO NOTHING RETURNING event_id
  ), raw AS (
    INSERT INTO raw_events (event_id, occurred_at, type, user_id, payload)
    SELECT i.event_id, i.occurred_at, i.type, i.user_id, i.payload FROM input i JOIN receipts r USING (event_id)
  )
  SELECT (SELECT state FROM batch) AS batch, coalesce((SELECT array_agg(event_id::text) FROM receipts), '{}') AS stored`;

/**
 * The durable half of accepting events: receipts (the idempotency keys) and raw events are
 * written in one transaction into an open pipeline batch (see BatchFormer). After it commits the
 * events cannot be lost, whatever happens to Redis or a worker; the batch drives them through the
 * stages once it is closed.
 */
@Injectable()
export class EventStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the items into open batch `batchId`; per item, in order: true when stored now, false when its eventId was already known. */
  async accept(items: AcceptItem[], batchId: string): Promise<boolean[]> {
    // Within one group the first occurrence of an eventId wins; later ones are duplicates.
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      if (!firstIndex.has(item.event.eventId)) firstIndex.set(item.event.eventId, index);
    });
    const unique = [...firstIndex.values()].map((index) => items[index]);

    const params = [
      batchId,
      unique.length,
      unique.map((i) => i.event.eventId),
      unique.map((i) => i.event.occurredAt),
      unique.map((i) => i.source),
      unique.map((i) => i.event.type),
      unique.map((i) => i.event.userId ?? null),
      unique.map((i) => JSON.stringify(i.event)),
    ];
    const stored = await retryTransaction(async () => {
      // 'unseen': another commit created the batch row after this statement's snapshot was taken (two
      // commits racing into a new batch); run again, and the row is seen.
      for (let seen = 0; ; seen++) {
        const [row] = await autocommitPrepared<{ batch: 'open' | 'closed' | 'unseen'; stored: string[] }>(
          this.dataSource,
          'ingest_accept',
          ACCEPT,
          params,
        );
        if (row.batch === 'closed') throw new BatchNoLongerOpen(batchId);
        if (row.batch === 'open') return new Set(row.stored);
        if (seen >= 3) throw new BatchNoLongerOpen(batchId);
      }
    });

    const claimed = new Set<string>();
    return items.map((item, index) => {
      const isFirst = firstIndex.get(item.event.eventId) === index;
      if (!isFirst || !stored.has(item.event.eventId) || claimed.has(item.event.eventId)) return false;
      claimed.add(item.event.eventId);
      return true;
    });
  }

  /**
   * Where one event is: its receipt, its batch's stage, what reception made of it, its findings.
   * With `senderUserId`, only an event that account sent (as a user, or through any of its API
   * keys: receipts record the sender as `user:<id>` or `api_key:<id>`) is found.
   */
  async status(eventId: string, senderUserId: string | null = null): Promise<EventStatus | null> {
    const rows: StatusRow[] = await this.dataSource.query(
      `SELECT r.event_id, r.occurred_at, r.received_at, r.batch_id, b.stage, b.status, b.completed_at, b.last_error,
              p.type, p.user_id, p.actor_type, p.country, host(p.ip_prefix) || '/' || masklen(p.ip_prefix) AS ip_prefix,
              p.device_type, p.os, p.browser, p.processed_at
         FROM event_receipts r
         JOIN pipeline_batches b ON b.batch_id = r.batch_id
         LEFT JOIN processed_events p ON p.event_id = r.event_id
        WHERE r.event_id = $1
          AND ($2::uuid IS NULL
               OR r.source = 'user:' || $2::text
               OR r.source IN (SELECT 'api_key:' || k.id::text FROM api_keys k WHERE k.user_id = $2::uuid))`,
      [eventId, senderUserId],
    );
    if (!rows[0]) return null;
    const findings: FindingRow[] = await this.dataSource.query(
      `SELECT kind, rule_id, rule_version, framework, reference, severity, explanation, details, created_at
         FROM findings WHERE event_id = $1 ORDER BY id`,
      [eventId],
    );
    return toEventStatus(rows[0], findings);
  }
}

// Rows as PostgreSQL names them; the API answers in camelCase (mapped here, in one place).
interface StatusRow {
  event_id: string;
  occurred_at: Date;
  received_at: Date;
  batch_id: string;
  stage: string;
  status: string;
  completed_at: Date | null;
  last_error: string | null;
  type: string | null;
  user_id: string | null;
  actor_type: string | null;
  country: string | null;
  ip_prefix: string | null;
  device_type: string | null;
  os: string | null;
  browser: string | null;
  processed_at: Date | null;
}

interface FindingRow {
  kind: string;
  rule_id: string;
  rule_version: string;
  framework: string;
  reference: string | null;
  severity: string;
  explanation: string;
  details: Record<string, unknown>;
  created_at: Date;
}

function toEventStatus(row: StatusRow, findings: FindingRow[]): EventStatus {
  return {
    eventId: row.event_id,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    batchId: row.batch_id,
    stage: row.stage,
    status: row.status,
    completedAt: row.completed_at,
    lastError: row.last_error,
    type: row.type,
    userId: row.user_id,
    actorType: row.actor_type,
    country: row.country,
    ipPrefix: row.ip_prefix,
    deviceType: row.device_type,
    os: row.os,
    browser: row.browser,
    processedAt: row.processed_at,
    findings: findings.map(
      (f): EventFinding => ({
        kind: f.kind,
        ruleId: f.rule_id,
        ruleVersion: f.rule_version,
        framework: f.framework,
        reference: f.reference,
        severity: f.severity,
        explanation: f.explanation,
        details: f.details,
        createdAt: f.created_at,
      }),
    ),
  };
}
