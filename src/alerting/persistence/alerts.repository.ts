import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { Severity } from '../../violations/domain/severity';
import type { AlertViolationSummary } from '../domain/alert-message';
import type { AlertReason, OpenAlert } from '../domain/alert-planner';

/** Advisory-lock class of per-violation alert decisions (two-key form, apart from the violation groups). */
const ALERT_LOCK_CLASS = 7_310_004;

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

export interface AlertFilter {
  reason?: AlertReason;
  severity?: Severity;
  violationId?: string;
  channelId?: string;
  /** the latest attempt on at least one channel has this status ('pending': a channel with no attempt yet) */
  deliveryStatus?: 'delivered' | 'failed' | 'dead' | 'pending';
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export interface ChannelDeliveryState {
  channelId: string;
  channelName: string | null;
  channelType: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'dead';
  attempts: number;
  lastAttemptAt: Date | null;
  httpStatus: number | null;
  latencyMs: number | null;
  error: string | null;
  /** the receiver's answer to the latest failed attempt; present only for readers allowed to see it */
  responseBody?: string | null;
}

/** What a reader may see of deliveries. */
export interface DeliveryVisibility {
  /** include what receivers answered to failed attempts (it can echo data or internal details) */
  responseBodies: boolean;
}

const ALERT_COLUMNS = `a.id, a.violation_id, a.reason, a.severity, a.suppressed_count, a.message_id, a.channel_ids::text[] AS channel_ids,
  a.route_ids::text[] AS route_ids, a.created_at, a.window_ends_at, a.dispatched_at`;

/**
 * alerts: the alerting stage's statements, batch-shaped (a handful per batch whatever its size), the
 * dispatcher's, and the API's reads (a page of alerts, then their channels' delivery state in one
 * query). The violation_changes the stage consumes come from the violations module (ViolationHandOff).
 */
@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  // Reads for the API.

  async list(filter: AlertFilter, visibility: DeliveryVisibility): Promise<Record<string, unknown>[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.reason) add('a.reason = ?', filter.reason);
    if (filter.severity) add('a.severity = ?', filter.severity);
    if (filter.violationId) add('a.violation_id = ?', filter.violationId);
    if (filter.channelId) add('?::uuid = ANY(a.channel_ids)', filter.channelId);
    if (filter.from) add('a.created_at >= ?', filter.from);
    if (filter.to) add('a.created_at < ?', filter.to);
    if (filter.deliveryStatus === 'pending') {
      where.push(`EXISTS (SELECT 1 FROM unnest(a.channel_ids) ch
                           WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = a.id AND d.channel_id = ch))`);
    } else if (filter.deliveryStatus) {
      add(
        `EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (d.channel_id) d.status FROM alert_deliveries d
                                 WHERE d.alert_id = a.id ORDER BY d.channel_id, d.attempt DESC) latest WHERE latest.status = ?)`,
        filter.deliveryStatus,
      );
    }
    params.push(filter.limit, filter.offset);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ALERT_COLUMNS} FROM alerts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.created_at DESC, a.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const deliveries = await this.deliveryStates(rows, visibility);
    return rows.map((r) => ({ ...toAlert(r), deliveries: deliveries.get(r.id as string) ?? [] }));
  }

  async find(id: string, visibility: DeliveryVisibility): Promise<Record<string, unknown> | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ALERT_COLUMNS}, a.payload FROM alerts a WHERE a.id = $1`,
      [id],
    );
    if (!rows[0]) return null;
    const deliveries = await this.deliveryStates(rows, visibility);
    const attempts = await this.dataSource.query(
      `SELECT d.id::text, d.channel_id AS "channelId", d.message_id AS "messageId", d.attempt, d.status, d.http_status AS "httpStatus",
              d.latency_ms AS "latencyMs", d.error,${visibility.responseBodies ? ` d.response_body AS "responseBody",` : ''} d.attempted_at AS "attemptedAt"
         FROM alert_deliveries d WHERE d.alert_id = $1 ORDER BY d.attempted_at, d.id`,
      [id],
    );
    return { ...toAlert(rows[0]), payload: rows[0].payload, deliveries: deliveries.get(id) ?? [], attempts };
  }

  private async deliveryStates(
    alerts: Record<string, unknown>[],
    visibility: DeliveryVisibility,
  ): Promise<Map<string, ChannelDeliveryState[]>> {
    const ids = alerts.map((a) => a.id as string);
    if (ids.length === 0) return new Map();
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT DISTINCT ON (d.alert_id, d.channel_id) d.alert_id, d.channel_id, d.status, d.attempt, d.attempted_at, d.http_status,
              d.latency_ms, d.error${visibility.responseBodies ? ', d.response_body' : ''}
         FROM alert_deliveries d WHERE d.alert_id = ANY($1::uuid[])
        ORDER BY d.alert_id, d.channel_id, d.attempt DESC`,
      [ids],
    );
    const channelIds = [
      ...new Set(
        alerts.flatMap((a) => a.channel_ids as string[]).concat(rows.map((r) => r.channel_id as string)),
      ),
    ];
    const channels: { id: string; name: string; type: string }[] = channelIds.length
      ? await this.dataSource.query(`SELECT id, name, type FROM alert_channels WHERE id = ANY($1::uuid[])`, [
          channelIds,
        ])
      : [];
    const channelById = new Map(channels.map((c) => [c.id, c]));
    const latest = new Map(rows.map((r) => [`${r.alert_id}/${r.channel_id}`, r]));
    const out = new Map<string, ChannelDeliveryState[]>();
    for (const alert of alerts) {
      const alertId = alert.id as string;
      const targeted = new Set([
        ...(alert.channel_ids as string[]),
        ...rows.filter((r) => r.alert_id === alertId).map((r) => r.channel_id as string),
      ]);
      out.set(
        alertId,
        [...targeted].map((channelId) => {
          const row = latest.get(`${alertId}/${channelId}`);
          const channel = channelById.get(channelId);
          const state: ChannelDeliveryState = {
            channelId,
            channelName: channel?.name ?? null,
            channelType: channel?.type ?? null,
            status: (row?.status as ChannelDeliveryState['status']) ?? 'pending',
            attempts: row ? Number(row.attempt) : 0,
            lastAttemptAt: (row?.attempted_at as Date) ?? null,
            httpStatus: (row?.http_status as number | null) ?? null,
            latencyMs: (row?.latency_ms as number | null) ?? null,
            error: (row?.error as string | null) ?? null,
          };
          if (visibility.responseBodies) state.responseBody = (row?.response_body as string | null) ?? null;
          return state;
        }),
      );
    }
    return out;
  }
}

function toAlert(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    violationId: (r.violation_id as string | null) ?? null,
    reason: r.reason as AlertReason,
    severity: r.severity as Severity,
    suppressedCount: Number(r.suppressed_count),
    messageId: r.message_id as string,
    channelIds: r.channel_ids as string[],
    routeIds: r.route_ids as string[],
    createdAt: r.created_at as Date,
    windowEndsAt: r.window_ends_at as Date,
    dispatchedAt: (r.dispatched_at as Date | null) ?? null,
  };
}
