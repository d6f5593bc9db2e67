import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { ChannelType } from '../channels/channel-senders';

export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  target: string;
  enabled: boolean;
  hasSecret: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const CHANNEL_COLUMNS = `id, name, type, target, enabled, secret IS NOT NULL AS has_secret, created_by, created_at, updated_at`;

/** alert_channels: where alerts are delivered (admin-edited; deleted channels are kept, marked). */
@Injectable()
export class AlertChannelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async listChannels(): Promise<ChannelView[]> {
    const rows = await this.dataSource.query(
      `SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE deleted_at IS NULL ORDER BY name`,
    );
    return rows.map(toChannel);
  }

  async findChannel(id: string, tx: Sql = this.dataSource): Promise<ChannelView | null> {
    const rows = await tx.query(
      `SELECT ${CHANNEL_COLUMNS} FROM alert_channels WHERE id = $1 AND deleted_at IS NULL`,
      [id],
    );
    return rows[0] ? toChannel(rows[0]) : null;
  }

  async insertChannel(
    tx: Sql,
    c: {
      name: string;
      type: ChannelType;
      target: string;
      secret: string | null;
      enabled: boolean;
      createdBy: string;
    },
  ): Promise<ChannelView> {
    const rows = await tx.query(
      `INSERT INTO alert_channels (name, type, target, secret, enabled, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CHANNEL_COLUMNS}`,
      [c.name, c.type, c.target, c.secret, c.enabled, c.createdBy],
    );
    return toChannel(rows[0]);
  }

  async updateChannel(
    tx: Sql,
    id: string,
    c: { name?: string; target?: string; enabled?: boolean; secret?: string },
  ): Promise<ChannelView | null> {
    const rows = await tx.query(
      `UPDATE alert_channels SET name = coalesce($2, name), target = coalesce($3, target), enabled = coalesce($4, enabled),
              secret = coalesce($5, secret), updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL RETURNING ${CHANNEL_COLUMNS}`,
      [id, c.name ?? null, c.target ?? null, c.enabled ?? null, c.secret ?? null],
    );
    return rows[0]?.[0] ? toChannel(rows[0][0]) : null;
  }

  /** Soft delete: the delivery log keeps pointing at it; its name is freed. False when there was none. */
  async softDelete(tx: Sql, id: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE alert_channels SET deleted_at = now(), enabled = false, secret = NULL, name = name || ' (deleted ' || id || ')', updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id],
    );
    return rows[0].length > 0;
  }

  async missingChannels(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM alert_channels WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
      [ids],
    );
    const found = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  }

  /** Channel ids that can receive (exist, enabled, not deleted), out of `ids`. */
  async usableChannels(tx: Sql, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM alert_channels WHERE id = ANY($1::uuid[]) AND enabled AND deleted_at IS NULL`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }
}

function toChannel(r: Record<string, unknown>): ChannelView {
  return {
    id: r.id as string,
    name: r.name as string,
    type: r.type as ChannelType,
    target: r.target as string,
    enabled: r.enabled as boolean,
    hasSecret: r.has_secret as boolean,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
