import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import { Severity } from '../domain/severity';
import { ViolationStatus } from '../domain/violation-planner';

export interface ViolationFilter {
  framework?: string;
  severity?: Severity;
  status?: ViolationStatus;
  kind?: string;
  userId?: string;
  ruleId?: string;
  assignedTo?: string;
  /** cases active at or after this time (last seen) */
  from?: Date;
  /** cases that started before this time (first seen) */
  to?: Date;
  limit: number;
  offset: number;
}

export interface ViolationView {
  id: string;
  kind: string;
  framework: string;
  ruleId: string;
  ruleVersion: string;
  reference: string | null;
  severity: Severity;
  baseSeverity: Severity;
  userId: string | null;
  status: ViolationStatus;
  firstSeen: Date;
  lastSeen: Date;
  occurrenceCount: number;
  evidenceEventIds: string[];
  maxRiskScore: number | null;
  assignedTo: string | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  closedBy: string | null;
  resolutionNote: string | null;
  recurrenceOf: string | null;
  criticalAt: Date | null;
  unacknowledgedEscalatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface HistoryEntry {
  actor: string;
  action: string;
  from: ViolationStatus | null;
  to: ViolationStatus | null;
  comment: string | null;
  details: Record<string, unknown>;
}

const COLUMNS = `id, kind, framework, rule_id, rule_version, reference, severity, base_severity, user_id, status, first_seen, last_seen,
  occurrence_count, evidence_event_ids::text[] AS evidence_event_ids, max_risk_score, assigned_to, acknowledged_at, resolved_at,
  closed_by, resolution_note, recurrence_of, critical_at, unack_escalated_at, created_at, updated_at`;

/** Reads and case-workflow writes of violations (the stage writes through ViolationStore). */
@Injectable()
export class ViolationCases {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: ViolationFilter): Promise<ViolationView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.framework) add('framework = ?', filter.framework);
    if (filter.severity) add('severity = ?', filter.severity);
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.userId) add('user_id = ?', filter.userId);
    if (filter.ruleId) add('rule_id = ?', filter.ruleId);
    if (filter.assignedTo) add('assigned_to = ?', filter.assignedTo);
    if (filter.from) add('last_seen >= ?', filter.from);
    if (filter.to) add('first_seen < ?', filter.to);
    params.push(filter.limit, filter.offset);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM violations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY last_seen DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(toView);
  }

  async find(id: string, tx: Sql = this.dataSource, lock = false): Promise<ViolationView | null> {
    const rows: Record<string, unknown>[] = await tx.query(
      `SELECT ${COLUMNS} FROM violations WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /** What reception kept of the evidence events (truncated IP, parsed device), oldest first. */
  async evidenceEvents(eventIds: string[]): Promise<Record<string, unknown>[]> {
    if (eventIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT event_id AS "eventId", occurred_at AS "occurredAt", type, user_id AS "userId", actor_type AS "actorType",
              actor_id AS "actorId", country, host(ip_prefix) || '/' || masklen(ip_prefix) AS "ipPrefix",
              device_type AS "deviceType", os, browser, data
         FROM processed_events WHERE event_id = ANY($1::uuid[]) ORDER BY occurred_at`,
      [eventIds],
    );
  }

  async history(id: string): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id::text, at, actor, action, from_status AS "fromStatus", to_status AS "toStatus", comment, details
         FROM violation_history WHERE violation_id = $1 ORDER BY at, id`,
      [id],
    );
  }

  async findings(id: string, limit: number): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id::text, kind, rule_id AS "ruleId", rule_version AS "ruleVersion", framework, reference, severity, explanation,
              event_id AS "eventId", occurred_at AS "occurredAt", details
         FROM findings WHERE violation_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, limit],
    );
  }

  async alerts(id: string): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id, reason, severity, suppressed_count AS "suppressedCount", created_at AS "createdAt", window_ends_at AS "windowEndsAt"
         FROM alerts WHERE violation_id = $1 ORDER BY created_at DESC LIMIT 50`,
      [id],
    );
  }

  /** Whether a user exists, is enabled and holds a role that can work on cases. */
  async canBeAssigned(userId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
        WHERE u.id = $1 AND u.disabled_at IS NULL AND r.role IN ('compliance_officer', 'admin') LIMIT 1`,
      [userId],
    );
    return rows.length > 0;
  }

  async setStatus(
    tx: Sql,
    id: string,
    to: ViolationStatus,
    actorUserId: string | null,
    note: string | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE violations
          SET status = $2,
              acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN now() ELSE acknowledged_at END,
              resolved_at = CASE WHEN $2 IN ('resolved', 'false_positive') THEN now() ELSE resolved_at END,
              closed_by = CASE WHEN $2 IN ('resolved', 'false_positive') THEN $3::uuid ELSE closed_by END,
              resolution_note = CASE WHEN $2 IN ('resolved', 'false_positive') THEN $4 ELSE resolution_note END,
              updated_at = now()
        WHERE id = $1`,
      [id, to, actorUserId, note],
    );
  }

  async assign(tx: Sql, id: string, userId: string): Promise<void> {
    await tx.query(`UPDATE violations SET assigned_to = $2, updated_at = now() WHERE id = $1`, [id, userId]);
  }

  async addHistory(tx: Sql, id: string, entry: HistoryEntry): Promise<void> {
    await tx.query(
      `INSERT INTO violation_history (violation_id, actor, action, from_status, to_status, comment, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, entry.actor, entry.action, entry.from, entry.to, entry.comment, JSON.stringify(entry.details)],
    );
  }

  /**
   * A case officer's verdict, for the ML evaluation (table shared with the ML module): source is
   * always 'case_review'; the violation id leads to its kind, rule and model version.
   */
  async addMlLabel(tx: Sql, violation: ViolationView, label: string): Promise<void> {
    await tx.query(
      `INSERT INTO ml_labels (user_id, label, source, violation_id) VALUES ($1, $2, 'case_review', $3)`,
      [violation.userId, label, violation.id],
    );
  }

  async countResolved(tx: Sql, violation: ViolationView): Promise<void> {
    await tx.query(
      `INSERT INTO rollup_violations_daily AS r (day, framework, severity, resolved_count)
       VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, 1)
       ON CONFLICT (day, framework, severity) DO UPDATE SET resolved_count = r.resolved_count + 1`,
      [violation.framework, violation.severity],
    );
  }
}

function toView(row: Record<string, unknown>): ViolationView {
  return {
    id: row.id as string,
    kind: row.kind as string,
    framework: row.framework as string,
    ruleId: row.rule_id as string,
    ruleVersion: row.rule_version as string,
    reference: (row.reference as string | null) ?? null,
    severity: row.severity as Severity,
    baseSeverity: row.base_severity as Severity,
    userId: (row.user_id as string | null) ?? null,
    status: row.status as ViolationStatus,
    firstSeen: row.first_seen as Date,
    lastSeen: row.last_seen as Date,
    occurrenceCount: Number(row.occurrence_count),
    evidenceEventIds: (row.evidence_event_ids as string[] | null) ?? [],
    maxRiskScore: row.max_risk_score === null ? null : Number(row.max_risk_score),
    assignedTo: (row.assigned_to as string | null) ?? null,
    acknowledgedAt: (row.acknowledged_at as Date | null) ?? null,
    resolvedAt: (row.resolved_at as Date | null) ?? null,
    closedBy: (row.closed_by as string | null) ?? null,
    resolutionNote: (row.resolution_note as string | null) ?? null,
    recurrenceOf: (row.recurrence_of as string | null) ?? null,
    criticalAt: (row.critical_at as Date | null) ?? null,
    unacknowledgedEscalatedAt: (row.unack_escalated_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
