import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { Severity } from '../../violations/domain/severity';
import type { AlertViolationSummary } from '../domain/alert-message';
import type { AlertReason, OpenAlert } from '../domain/alert-planner';

/** Advisory-lock class of per-violation alert decisions (two-key form, apart from the violation groups). */
const ALERT_LOCK_CLASS = 7_310_004;

export interface PendingChange {
  id: string;
  violationId: string;
  change: 'new' | 'reopened' | 'escalated' | 'repeated';
  severity: Severity;
  occurrences: number;
}

export interface ViolationForAlert extends AlertViolationSummary {
  closed: boolean;
}

export interface AlertInsert {
  id: string;
  violationId: string | null;
  dedupKey: string;
  reason: AlertReason;
  severity: Severity;
  suppressedCount: number;
  payload: unknown;
  windowEndsAt: Date;
  channelIds: string[];
  routeIds: string[];
  createdAt: Date;
}

export interface DispatchRow {
  id: string;
  reason: AlertReason;
  severity: Severity;
  channelIds: string[];
  violationId: string | null;
  createdAt: Date;
  payload: unknown;
}

/** The alerting stage's SQL, batch-shaped: a handful of statements per batch whatever its size. */
@Injectable()
export class AlertStore {
  constructor(private readonly dataSource: DataSource) {}

  /** A batch's changes not yet alerted on, locked (a re-run of the batch waits, then finds them done). */
  async batchChanges(tx: Sql, batchId: string): Promise<PendingChange[]> {
    const rows = await tx.query(
      `SELECT id::text, violation_id, change, severity, occurrences FROM violation_changes
        WHERE batch_id = $1 AND alerted_at IS NULL ORDER BY id FOR UPDATE`,
      [batchId],
    );
    return rows.map(toChange);
  }

  /**
   * Changes no batch job will alert on: the sweeper's (no batch) and any left behind longer than
   * `staleBefore` (their batch's alerting job is stuck or dead). Rows another transaction holds are skipped.
   */
  async orphanedChanges(tx: Sql, staleBefore: Date, limit: number): Promise<PendingChange[]> {
    const rows = await tx.query(
      `SELECT id::text, violation_id, change, severity, occurrences FROM violation_changes
        WHERE alerted_at IS NULL AND (batch_id IS NULL OR created_at < $1)
        ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [staleBefore, limit],
    );
    return rows.map(toChange);
  }

  async markChangesAlerted(tx: Sql, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.query(`UPDATE violation_changes SET alerted_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** One decision per violation at a time; ids sorted so every transaction locks in the same order. */
  async lockViolations(tx: Sql, violationIds: string[]): Promise<void> {
    const sorted = [...new Set(violationIds)].sort();
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext(v)) FROM unnest($2::text[]) AS v`, [
      ALERT_LOCK_CLASS,
      sorted,
    ]);
  }

  async violations(tx: Sql, ids: string[]): Promise<Map<string, ViolationForAlert>> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT id, kind, framework, rule_id, rule_version, reference, user_id, status, severity, first_seen, last_seen,
              occurrence_count, evidence_event_ids::text[] AS evidence, max_risk_score, recurrence_of
         FROM violations WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id as string,
        {
          id: r.id as string,
          kind: r.kind as string,
          framework: r.framework as string,
          ruleId: r.rule_id as string,
          ruleVersion: r.rule_version as string,
          reference: (r.reference as string | null) ?? null,
          userId: (r.user_id as string | null) ?? null,
          status: r.status as string,
          severity: r.severity as Severity,
          firstSeen: (r.first_seen as Date).toISOString(),
          lastSeen: (r.last_seen as Date).toISOString(),
          occurrenceCount: Number(r.occurrence_count),
          evidenceEventIds: (r.evidence as string[] | null) ?? [],
          maxRiskScore: r.max_risk_score === null ? null : Number(r.max_risk_score),
          recurrenceOf: (r.recurrence_of as string | null) ?? null,
          closed: r.status === 'resolved' || r.status === 'false_positive',
        },
      ]),
    );
  }

  async alertedViolations(tx: Sql, violationIds: string[]): Promise<Set<string>> {
    const rows: { violation_id: string }[] = await tx.query(
      `SELECT DISTINCT violation_id FROM alerts WHERE violation_id = ANY($1::uuid[])`,
      [violationIds],
    );
    return new Set(rows.map((r) => r.violation_id));
  }

  async openAlerts(tx: Sql, violationIds: string[], now: Date): Promise<OpenAlert[]> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT id, violation_id, reason, severity, created_at, window_ends_at FROM alerts
        WHERE violation_id = ANY($1::uuid[]) AND window_ends_at > $2`,
      [violationIds, now],
    );
    return rows.map((r) => ({
      id: r.id as string,
      violationId: r.violation_id as string,
      reason: r.reason as AlertReason,
      severity: r.severity as Severity,
      createdAt: r.created_at as Date,
      windowEndsAt: r.window_ends_at as Date,
    }));
  }

  async insertAlerts(tx: Sql, alerts: AlertInsert[], batchId: string | null): Promise<void> {
    if (alerts.length === 0) return;
    await tx.query(
      `INSERT INTO alerts (id, violation_id, dedup_key, reason, severity, suppressed_count, payload, window_ends_at,
                           channel_ids, route_ids, created_at, batch_id, message_id)
       SELECT id, v, dk, r, s, sc, p, w, ch::uuid[], ro::uuid[], c, $12, 'msg_' || replace(id::text, '-', '')
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::jsonb[], $8::timestamptz[],
                     $9::text[], $10::text[], $11::timestamptz[]) AS t(id, v, dk, r, s, sc, p, w, ch, ro, c)`,
      [
        alerts.map((a) => a.id),
        alerts.map((a) => a.violationId),
        alerts.map((a) => a.dedupKey),
        alerts.map((a) => a.reason),
        alerts.map((a) => a.severity),
        alerts.map((a) => a.suppressedCount),
        alerts.map((a) => JSON.stringify(a.payload)),
        alerts.map((a) => a.windowEndsAt),
        alerts.map((a) => `{${a.channelIds.join(',')}}`),
        alerts.map((a) => `{${a.routeIds.join(',')}}`),
        alerts.map((a) => a.createdAt),
        batchId,
      ],
    );
  }

  async fold(tx: Sql, folds: { alertId: string; add: number }[]): Promise<void> {
    if (folds.length === 0) return;
    await tx.query(
      `UPDATE alerts a SET suppressed_count = a.suppressed_count + t.n FROM unnest($1::uuid[], $2::int[]) AS t(id, n) WHERE a.id = t.id`,
      [folds.map((f) => f.alertId), folds.map((f) => f.add)],
    );
  }

  /** Critical violations still open (never acknowledged) past the deadline, claimed and marked in one statement. */
  async claimUnacknowledged(tx: Sql, criticalBefore: Date, now: Date, limit: number): Promise<string[]> {
    // An UPDATE … RETURNING answers [rows, count] through TypeORM.
    const [rows]: [{ id: string }[], number] = await tx.query(
      `UPDATE violations v SET unack_escalated_at = $2, updated_at = now()
        WHERE v.id IN (SELECT id FROM violations
                        WHERE status = 'open' AND severity = 'critical' AND unack_escalated_at IS NULL AND critical_at <= $1
                        ORDER BY critical_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING v.id`,
      [criticalBefore, now, limit],
    );
    if (rows.length > 0) {
      await tx.query(
        `INSERT INTO violation_history (violation_id, actor, action, details)
         SELECT id, 'system:alerting', 'escalated_unacknowledged', jsonb_build_object('criticalBefore', $2::timestamptz)
           FROM unnest($1::uuid[]) AS id`,
        [rows.map((r) => r.id), criticalBefore],
      );
    }
    return rows.map((r) => r.id);
  }

  async undispatched(
    where: { batchId: string } | { createdBefore: Date } | { ids: string[] },
    limit = 5000,
  ): Promise<DispatchRow[]> {
    const [clause, param] =
      'batchId' in where
        ? ['batch_id = $1', where.batchId]
        : 'ids' in where
          ? ['id = ANY($1::uuid[])', where.ids]
          : ['created_at < $1', where.createdBefore];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, reason, severity, channel_ids::text[] AS channel_ids, violation_id, created_at, payload FROM alerts
        WHERE ${clause} AND dispatched_at IS NULL ORDER BY created_at LIMIT ${Number(limit)}`,
      [param],
    );
    return rows.map((r) => ({
      id: r.id as string,
      reason: r.reason as AlertReason,
      severity: r.severity as Severity,
      channelIds: (r.channel_ids as string[]) ?? [],
      violationId: (r.violation_id as string | null) ?? null,
      createdAt: r.created_at as Date,
      payload: r.payload,
    }));
  }

  async markDispatched(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE alerts SET dispatched_at = now() WHERE id = ANY($1::uuid[]) AND dispatched_at IS NULL`,
      [ids],
    );
  }

  async insertTestAlert(alert: AlertInsert): Promise<void> {
    await this.insertAlerts(this.dataSource, [alert], null);
  }
}

function toChange(r: Record<string, unknown>): PendingChange {
  return {
    id: r.id as string,
    violationId: r.violation_id as string,
    change: r.change as PendingChange['change'],
    severity: r.severity as Severity,
    occurrences: Number(r.occurrences),
  };
}
