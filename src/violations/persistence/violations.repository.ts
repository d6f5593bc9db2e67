import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import { isSeverity, Severity } from '../domain/severity';
import {
  ExistingViolation,
  FindingInput,
  PlannedViolation,
  ViolationPlan,
  ViolationStatus,
} from '../domain/violation-planner';

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

/** Advisory-lock class of violation groups (the two-key form keeps it apart from other locks). */
const GROUP_LOCK_CLASS = 7_310_003;

const FINDING_COLUMNS = `f.id::text AS id, f.kind, f.rule_id, f.rule_version, f.framework, f.reference, f.severity, f.user_id,
  f.event_id, f.evidence_event_ids::text[] AS evidence, f.occurred_at,
  CASE WHEN jsonb_typeof(f.details -> 'riskScore') = 'number' THEN (f.details ->> 'riskScore')::float8
       WHEN jsonb_typeof(f.details -> 'score') = 'number' THEN (f.details ->> 'score')::float8 END AS risk_score`;

const VIOLATION_COLUMNS = `id, group_key, kind, rule_id, user_id, status, severity, base_severity, first_seen, last_seen,
  occurrence_count, evidence_event_ids::text[] AS evidence, max_risk_score, rule_version, framework, reference, critical_at`;

/** A change the violation stage handed off to alerting (a row of violation_changes not alerted on yet). */
export interface PendingChange {
  id: string;
  violationId: string;
  change: 'new' | 'reopened' | 'escalated' | 'repeated';
  severity: Severity;
  occurrences: number;
}

/**
 * violations, violation_history and violation_changes, and the findings' link to their violation: the
 * one owner of those tables. The stage's statements take the whole batch (unnest arrays), so a batch
 * costs the same handful of round trips whether it carries one finding or thousands; the case
 * workflow reads and changes one case at a time.
 */
@Injectable()
export class ViolationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The batch's unconverted findings, locked so a concurrent sweep or re-run cannot convert them too. */
  async batchFindings(tx: Sql, batchId: string): Promise<FindingInput[]> {
    const rows: FindingRow[] = await tx.query(
      `SELECT ${FINDING_COLUMNS}
         FROM findings f JOIN event_receipts r ON r.event_id = f.event_id
        WHERE r.batch_id = $1 AND f.violation_id IS NULL AND f.superseded_at IS NULL
        ORDER BY f.id
          FOR UPDATE OF f`,
      [batchId],
    );
    return rows.map(toFinding);
  }

  /**
   * Findings no batch will convert: those of scheduled checks (no event), and stragglers older than
   * `staleBefore` (a finding written after its batch passed the violation stage). Rows another
   * transaction holds are skipped, not waited for.
   */
  async unlinkedFindings(tx: Sql, staleBefore: Date, limit: number): Promise<FindingInput[]> {
    const rows: FindingRow[] = await tx.query(
      `SELECT ${FINDING_COLUMNS}
         FROM findings f
        WHERE f.violation_id IS NULL AND f.superseded_at IS NULL AND (f.event_id IS NULL OR f.created_at < $1)
        ORDER BY f.created_at
        LIMIT $2
          FOR UPDATE OF f SKIP LOCKED`,
      [staleBefore, limit],
    );
    return rows.map(toFinding);
  }

  /** Serialises work on the same (kind, rule, viewer) groups; keys sorted so lock order is global. */
  async lockGroups(tx: Sql, groupKeys: string[]): Promise<void> {
    const sorted = [...new Set(groupKeys)].sort();
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext(k)) FROM unnest($2::text[]) AS k`, [
      GROUP_LOCK_CLASS,
      sorted,
    ]);
  }

  /** Open violations of the groups (locked: a case decision waits for, or is seen by, this batch) and the latest closed one of each. */
  async groupViolations(tx: Sql, groupKeys: string[]): Promise<ExistingViolation[]> {
    const open: ViolationRow[] = await tx.query(
      `SELECT ${VIOLATION_COLUMNS} FROM violations
        WHERE group_key = ANY($1::text[]) AND status IN ('open', 'acknowledged')
          FOR UPDATE`,
      [groupKeys],
    );
    const closed: ViolationRow[] = await tx.query(
      `SELECT DISTINCT ON (group_key) ${VIOLATION_COLUMNS} FROM violations
        WHERE group_key = ANY($1::text[]) AND status IN ('resolved', 'false_positive')
        ORDER BY group_key, last_seen DESC`,
      [groupKeys],
    );
    return [...open, ...closed].map(toViolation);
  }

  /**
   * Writes a plan: new violations, updated ones, finding links, history, the alerting hand-off. The
   * daily violation rollup is left to the rollup maintainer's fold (every 20 s): a counter bumped in
   * this transaction held the day's row lock until commit and serialised concurrent batches.
   */
  async apply(tx: Sql, plan: ViolationPlan, batchId: string | null, actor: string): Promise<void> {
    const created = plan.violations.filter((v) => v.isNew);
    const updated = plan.violations.filter((v) => !v.isNew);
    if (created.length > 0) {
      await tx.query(
        `INSERT INTO violations (id, dedup_key, group_key, kind, rule_id, rule_version, framework, reference, severity, base_severity,
                                 user_id, status, first_seen, last_seen, occurrence_count, evidence_event_ids, max_risk_score,
                                 critical_at, recurrence_of)
         SELECT id, dk, gk, k, r, rv, fw, ref, s, bs, u, 'open', fs, ls, n, ev::uuid[], risk, ca, ro
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                       $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::int[], $15::text[], $16::float8[],
                       $17::timestamptz[], $18::uuid[])
                AS t(id, dk, gk, k, r, rv, fw, ref, s, bs, u, fs, ls, n, ev, risk, ca, ro)`,
        [
          created.map((v) => v.id),
          created.map((v) => v.dedupKey),
          created.map((v) => v.groupKey),
          created.map((v) => v.kind),
          created.map((v) => v.ruleId),
          created.map((v) => v.ruleVersion),
          created.map((v) => v.framework),
          created.map((v) => v.reference),
          created.map((v) => v.severity),
          created.map((v) => v.baseSeverity),
          created.map((v) => v.userId),
          created.map((v) => v.firstSeen),
          created.map((v) => v.lastSeen),
          created.map((v) => v.occurrenceCount),
          created.map((v) => uuidArrayLiteral(v.evidenceEventIds)),
          created.map((v) => v.maxRiskScore),
          created.map((v) => v.criticalAt),
          created.map((v) => v.recurrenceOf),
        ],
      );
    }
    if (updated.length > 0) {
      await tx.query(
        `UPDATE violations v
            SET rule_version = t.rv, framework = t.fw, reference = t.ref, severity = t.s, base_severity = t.bs,
                first_seen = t.fs, last_seen = t.ls, occurrence_count = t.n, evidence_event_ids = t.ev::uuid[],
                max_risk_score = t.risk, critical_at = t.ca, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                       $9::int[], $10::text[], $11::float8[], $12::timestamptz[])
                AS t(id, rv, fw, ref, s, bs, fs, ls, n, ev, risk, ca)
          WHERE v.id = t.id`,
        [
          updated.map((v) => v.id),
          updated.map((v) => v.ruleVersion),
          updated.map((v) => v.framework),
          updated.map((v) => v.reference),
          updated.map((v) => v.severity),
          updated.map((v) => v.baseSeverity),
          updated.map((v) => v.firstSeen),
          updated.map((v) => v.lastSeen),
          updated.map((v) => v.occurrenceCount),
          updated.map((v) => uuidArrayLiteral(v.evidenceEventIds)),
          updated.map((v) => v.maxRiskScore),
          updated.map((v) => v.criticalAt),
        ],
      );
    }
    await tx.query(
      `UPDATE findings f SET violation_id = t.v FROM unnest($1::bigint[], $2::uuid[]) AS t(id, v) WHERE f.id = t.id`,
      [plan.links.map((l) => l.findingId), plan.links.map((l) => l.violationId)],
    );
    const history = historyOf(plan.violations);
    if (history.length > 0) {
      await tx.query(
        `INSERT INTO violation_history (violation_id, actor, action, from_status, to_status, details)
         SELECT v, $1, a, fs, ts, d FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS t(v, a, fs, ts, d)`,
        [
          actor,
          history.map((h) => h.violationId),
          history.map((h) => h.action),
          history.map((h) => h.from),
          history.map((h) => h.to),
          history.map((h) => JSON.stringify(h.details)),
        ],
      );
    }
    await tx.query(
      `INSERT INTO violation_changes (batch_id, violation_id, change, severity, previous_severity, occurrences)
       SELECT $1, v, c, s, ps, n FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[]) AS t(v, c, s, ps, n)`,
      [
        batchId,
        plan.violations.map((v) => v.id),
        plan.violations.map((v) => v.change),
        plan.violations.map((v) => v.severity),
        plan.violations.map((v) => v.previousSeverity),
        plan.violations.map((v) => v.occurrencesAdded),
      ],
    );
  }

  // The case workflow: one case at a time.

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

  // ── the hand-off to alerting (through ViolationHandOff) ──

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

  /** Critical violations still open (never acknowledged) past the deadline, claimed and marked in one statement. */
  async claimUnacknowledgedCritical(tx: Sql, criticalBefore: Date, now: Date, limit: number): Promise<string[]> {
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
}

interface FindingRow {
  id: string;
  kind: string;
  rule_id: string;
  rule_version: string;
  framework: string;
  reference: string | null;
  severity: string;
  user_id: string | null;
  event_id: string | null;
  evidence: string[] | null;
  occurred_at: Date;
  risk_score: number | null;
}

interface ViolationRow {
  id: string;
  group_key: string;
  kind: string;
  rule_id: string;
  user_id: string | null;
  status: ViolationStatus;
  severity: Severity;
  base_severity: Severity;
  first_seen: Date;
  last_seen: Date;
  occurrence_count: number;
  evidence: string[] | null;
  max_risk_score: number | null;
  rule_version: string;
  framework: string;
  reference: string | null;
  critical_at: Date | null;
}

function toFinding(row: FindingRow): FindingInput {
  return {
    id: row.id,
    kind: row.kind,
    ruleId: row.rule_id,
    ruleVersion: row.rule_version,
    framework: row.framework,
    reference: row.reference,
    severity: isSeverity(row.severity) ? row.severity : 'medium',
    userId: row.user_id,
    eventId: row.event_id,
    evidenceEventIds: row.evidence ?? [],
    occurredAt: row.occurred_at,
    riskScore: row.risk_score === null ? null : Number(row.risk_score),
  };
}

function toViolation(row: ViolationRow): ExistingViolation {
  return {
    id: row.id,
    groupKey: row.group_key,
    kind: row.kind,
    ruleId: row.rule_id,
    userId: row.user_id,
    status: row.status,
    severity: row.severity,
    baseSeverity: row.base_severity,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    occurrenceCount: Number(row.occurrence_count),
    evidenceEventIds: row.evidence ?? [],
    maxRiskScore: row.max_risk_score === null ? null : Number(row.max_risk_score),
    ruleVersion: row.rule_version,
    framework: row.framework,
    reference: row.reference,
    criticalAt: row.critical_at,
  };
}

interface StageHistoryEntry {
  violationId: string;
  action: string;
  from: string | null;
  to: string | null;
  details: Record<string, unknown>;
}

function historyOf(violations: PlannedViolation[]): StageHistoryEntry[] {
  return violations.flatMap((v): StageHistoryEntry[] => {
    if (v.isNew) {
      return [
        {
          violationId: v.id,
          action: v.recurrenceOf ? 'recurred' : 'created',
          from: null,
          to: 'open',
          details: {
            severity: v.severity,
            occurrences: v.occurrenceCount,
            ...(v.recurrenceOf ? { recurrenceOf: v.recurrenceOf } : {}),
          },
        },
      ];
    }
    if (v.change === 'escalated') {
      return [
        {
          violationId: v.id,
          action: 'severity_escalated',
          from: null,
          to: null,
          details: {
            from: v.previousSeverity,
            to: v.severity,
            occurrences: v.occurrenceCount,
            maxRiskScore: v.maxRiskScore,
          },
        },
      ];
    }
    return [];
  });
}

/** A uuid[] literal: unnest cannot take an array of arrays of different lengths, so each row's array travels as text. */
function uuidArrayLiteral(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
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

function toChange(r: Record<string, unknown>): PendingChange {
  return {
    id: r.id as string,
    violationId: r.violation_id as string,
    change: r.change as PendingChange['change'],
    severity: r.severity as Severity,
    occurrences: Number(r.occurrences),
  };
}
