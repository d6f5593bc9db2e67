import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertPayload } from '../domain/alert-message';
import type { ChannelType } from '../channels/channel-senders';

export interface DeliveryTarget {
  alert: { id: string; messageId: string; payload: AlertPayload; createdAt: Date } | null;
  channel: { id: string; type: ChannelType; target: string; secret: string | null; usable: boolean } | null;
}

export type DeliveryStatus = 'delivered' | 'failed' | 'dead';

/** alert_deliveries: one row per attempt, with its outcome and latency. */
@Injectable()
export class AlertDeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async target(alertId: string, channelId: string): Promise<DeliveryTarget> {
    const [alerts, channels] = await Promise.all([
      this.dataSource.query(`SELECT id, message_id, payload, created_at FROM alerts WHERE id = $1`, [
        alertId,
      ]),
      this.dataSource.query(
        `SELECT id, type, target, secret, enabled AND deleted_at IS NULL AS usable FROM alert_channels WHERE id = $1`,
        [channelId],
      ),
    ]);
    const a = alerts[0];
    const c = channels[0];
    return {
      alert: a ? { id: a.id, messageId: a.message_id, payload: a.payload, createdAt: a.created_at } : null,
      channel: c ? { id: c.id, type: c.type, target: c.target, secret: c.secret, usable: c.usable } : null,
    };
  }

  async delivered(alertId: string, channelId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM alert_deliveries WHERE alert_id = $1 AND channel_id = $2 AND status = 'delivered' LIMIT 1`,
      [alertId, channelId],
    );
    return rows.length > 0;
  }

  async record(entry: {
    alertId: string;
    channelId: string;
    messageId: string;
    status: DeliveryStatus;
    httpStatus: number | null;
    latencyMs: number | null;
    error: string | null;
    /** what the receiver answered to a failed attempt (readable by admins and operators only) */
    responseBody: string | null;
  }): Promise<number> {
    const rows: { attempt: number }[] = await this.dataSource.query(
      `INSERT INTO alert_deliveries (alert_id, channel_id, message_id, attempt, status, http_status, latency_ms, error, response_body)
       SELECT $1, $2, $3, coalesce(max(attempt), 0) + 1, $4, $5, $6, $7, $8
         FROM alert_deliveries WHERE alert_id = $1 AND channel_id = $2
       RETURNING attempt`,
      [
        entry.alertId,
        entry.channelId,
        entry.messageId,
        entry.status,
        entry.httpStatus,
        entry.latencyMs,
        entry.error?.slice(0, 2000) ?? null,
        entry.responseBody,
      ],
    );
    return rows[0].attempt;
  }
}
