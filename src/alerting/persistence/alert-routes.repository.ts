import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { Severity } from '../../violations/domain/severity';
import type { AlertRoute } from '../domain/alert-planner';

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

const ROUTE_COLUMNS = `id, name, min_severity, frameworks, rule_ids, reasons, channel_ids::text[] AS channel_ids, suppression_window_seconds,
  enabled, created_by, created_at, updated_at`;


/** alert_routes: which violations alert which channels. The one owner of the table. */
@Injectable()
export class AlertRoutesRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  /** The enabled routes, as the alert planner reads them (inside the raising transaction). */
  async enabledRoutes(tx: Sql): Promise<AlertRoute[]> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT id, name, min_severity, frameworks, rule_ids, reasons, channel_ids::text[] AS channel_ids, suppression_window_seconds, enabled
         FROM alert_routes WHERE enabled`,
    );
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      minSeverity: r.min_severity as Severity,
      frameworks: r.frameworks as string[],
      ruleIds: r.rule_ids as string[],
      reasons: r.reasons as string[],
      channelIds: r.channel_ids as string[],
      suppressionWindowSeconds: Number(r.suppression_window_seconds),
      enabled: r.enabled as boolean,
    }));
  }

  /** Routes stop naming a deleted channel. */
  async removeChannel(tx: Sql, channelId: string): Promise<void> {
    await tx.query(
      `UPDATE alert_routes SET channel_ids = array_remove(channel_ids, $1::uuid), updated_at = now() WHERE $1::uuid = ANY(channel_ids)`,
      [channelId],
    );
  }
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
