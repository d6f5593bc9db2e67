import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { Severity } from '../../violations/domain/severity';
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

export interface RouteView {
  id: string;
  name: string;
  minSeverity: Severity;
  frameworks: string[];
  ruleIds: string[];
  reasons: string[];
  channelIds: string[];
  suppressionWindowSeconds: number;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RouteFields {
  name: string;
  minSeverity: Severity;
  frameworks: string[];
  ruleIds: string[];
  reasons: string[];
  channelIds: string[];
  suppressionWindowSeconds: number;
  enabled: boolean;
}

const CHANNEL_COLUMNS = `id, name, type, target, enabled, secret IS NOT NULL AS has_secret, created_by, created_at, updated_at`;
const ROUTE_COLUMNS = `id, name, min_severity, frameworks, rule_ids, reasons, channel_ids::text[] AS channel_ids, suppression_window_seconds,
  enabled, created_by, created_at, updated_at`;

/** Channels and routes: the small, admin-edited configuration of alerting. */
@Injectable()
export class AlertingConfigStore {
  constructor(readonly dataSource: DataSource) {}

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

  /** Soft delete: the delivery log keeps pointing at it; its name is freed; routes stop naming it. */
  async deleteChannel(tx: Sql, id: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE alert_channels SET deleted_at = now(), enabled = false, secret = NULL, name = name || ' (deleted ' || id || ')', updated_at = now()
        WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id],
    );
    if (rows[0].length === 0) return false;
    await tx.query(
      `UPDATE alert_routes SET channel_ids = array_remove(channel_ids, $1::uuid), updated_at = now() WHERE $1::uuid = ANY(channel_ids)`,
      [id],
    );
    return true;
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

  async listRoutes(): Promise<RouteView[]> {
    const rows = await this.dataSource.query(`SELECT ${ROUTE_COLUMNS} FROM alert_routes ORDER BY name`);
    return rows.map(toRoute);
  }

  async findRoute(id: string): Promise<RouteView | null> {
    const rows = await this.dataSource.query(`SELECT ${ROUTE_COLUMNS} FROM alert_routes WHERE id = $1`, [id]);
    return rows[0] ? toRoute(rows[0]) : null;
  }

  async insertRoute(tx: Sql, r: RouteFields, createdBy: string): Promise<RouteView> {
    const rows = await tx.query(
      `INSERT INTO alert_routes (name, min_severity, frameworks, rule_ids, reasons, channel_ids, suppression_window_seconds, enabled, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9) RETURNING ${ROUTE_COLUMNS}`,
      [
        r.name,
        r.minSeverity,
        r.frameworks,
        r.ruleIds,
        r.reasons,
        r.channelIds,
        r.suppressionWindowSeconds,
        r.enabled,
        createdBy,
      ],
    );
    return toRoute(rows[0]);
  }

  async updateRoute(tx: Sql, id: string, r: RouteFields): Promise<RouteView | null> {
    const rows = await tx.query(
      `UPDATE alert_routes SET name = $2, min_severity = $3, frameworks = $4, rule_ids = $5, reasons = $6, channel_ids = $7::uuid[],
              suppression_window_seconds = $8, enabled = $9, updated_at = now()
        WHERE id = $1 RETURNING ${ROUTE_COLUMNS}`,
      [
        id,
        r.name,
        r.minSeverity,
        r.frameworks,
        r.ruleIds,
        r.reasons,
        r.channelIds,
        r.suppressionWindowSeconds,
        r.enabled,
      ],
    );
    return rows[0]?.[0] ? toRoute(rows[0][0]) : null;
  }

  async deleteRoute(tx: Sql, id: string): Promise<boolean> {
    const rows = await tx.query(`DELETE FROM alert_routes WHERE id = $1 RETURNING id`, [id]);
    return rows[0].length > 0;
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

function toRoute(r: Record<string, unknown>): RouteView {
  return {
    id: r.id as string,
    name: r.name as string,
    minSeverity: r.min_severity as Severity,
    frameworks: r.frameworks as string[],
    ruleIds: r.rule_ids as string[],
    reasons: r.reasons as string[],
    channelIds: r.channel_ids as string[],
    suppressionWindowSeconds: Number(r.suppression_window_seconds),
    enabled: r.enabled as boolean,
    createdBy: r.created_by as string,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
