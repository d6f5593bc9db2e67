import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Severity } from '../../violations/domain/severity';
import type { AlertReason } from '../domain/alert-planner';

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

/** Reads of alerts for the API: a page of alerts, then their channels' delivery state in one query. */
@Injectable()
export class AlertQueries {
  constructor(private readonly dataSource: DataSource) {}

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
