import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { IngestedEvent } from '../domain/event-payloads';
import type { NormalisedEvent } from '../domain/event-normaliser';

/** Findings of the reception stage: attack patterns in free text, recorded, never a silent drop. */
export interface SecurityFindingRow {
  dedupKey: string;
  eventId: string;
  userId: string | null;
  ruleId: string;
  reference: string;
  severity: string;
  explanation: string;
  details: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * A batch's raw events: one primary-key probe per receipt (LATERAL … LIMIT 1, pruned to the event's
 * day partition at run time). A plain join lets the planner, misled by its row estimates, hash-join
 * against a sequential scan of the whole day's partition: 60 ms per batch at 200k events a day, and
 * growing with the day.
 */
export const READ_BATCH_PAYLOADS = `SELECT r.payload, e.received_at FROM event_receipts e
  CROSS JOIN LATERAL (SELECT payload FROM raw_events r WHERE r.occurred_at = e.occurred_at AND r.event_id = e.event_id LIMIT 1) r
 WHERE e.batch_id = $1`;

/**
 * What the reception stage reads and writes: a batch's raw events in, processed events and security
 * findings out. Set-based (one statement per table per batch) and keyed by event id and finding key,
 * so writing a batch twice writes nothing twice.
 */
@Injectable()
export class ProcessedEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  readBatchPayloads(batchId: string, sql: Sql = this.dataSource): Promise<{ payload: IngestedEvent; received_at: Date }[]> {
    return sql.query(READ_BATCH_PAYLOADS, [batchId]);
  }

  async insertProcessed(tx: Sql, events: readonly NormalisedEvent[]): Promise<void> {
    await tx.query(
      `INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, actor_id, country,
                                     ip_prefix, device_type, os, browser, device_id, session_id, data)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                            $8::char(2)[], $9::cidr[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::jsonb[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.occurredAt),
        events.map((e) => e.receivedAt),
        events.map((e) => e.type),
        events.map((e) => e.userId),
        events.map((e) => e.actorType),
        events.map((e) => e.actorId),
        events.map((e) => e.country),
        events.map((e) => e.ipPrefix),
        events.map((e) => e.device),
        events.map((e) => e.os),
        events.map((e) => e.browser),
        events.map((e) => e.deviceId),
        events.map((e) => e.sessionId),
        // processed_events has no column for the GPC signal nor the subdivision: both ride in data.
        events.map((e) =>
          JSON.stringify({
            ...e.data,
            ...(e.gpc ? { gpc: true } : {}),
            ...(e.subdivision !== null ? { subdivision: e.subdivision } : {}),
          }),
        ),
      ],
    );
  }

  async insertSecurityFindings(tx: Sql, findings: readonly SecurityFindingRow[]): Promise<void> {
    if (findings.length === 0) return;
    await tx.query(
      `INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, reference, severity,
                             explanation, evidence_event_ids, details, occurred_at)
       SELECT d, 'security', e, u, r, '1', 'SECURITY', ref, s, x, ARRAY[e], det, o
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::timestamptz[])
              AS t(d, e, u, r, ref, s, x, det, o)
       ON CONFLICT (dedup_key) DO NOTHING`,
      [
        findings.map((f) => f.dedupKey),
        findings.map((f) => f.eventId),
        findings.map((f) => f.userId),
        findings.map((f) => f.ruleId),
        findings.map((f) => f.reference),
        findings.map((f) => f.severity),
        findings.map((f) => f.explanation),
        findings.map((f) => JSON.stringify(f.details)),
        findings.map((f) => f.occurredAt),
      ],
    );
  }
}
