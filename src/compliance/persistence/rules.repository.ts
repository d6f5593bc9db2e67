/**
 * compliance_rules: every version of every rule, the current one flagged. A change writes a new row
 * (old versions stay, so findings keep pointing at the version that produced them) and bumps the
 * rules' revision in the same transaction, which is how every worker learns to recompile.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inRetriedTransaction } from '../../database/transactions';
import type { Sql } from '../../database/sql';
import type { RuleDefinition } from '../domain/rule';

export interface StoredRule {
  definition: RuleDefinition;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  isCurrent: boolean;
}

export interface RuleSummary {
  ruleId: string;
  version: number;
  framework: string;
  reference: string;
  severity: string;
  title: string;
  triggers: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
}

/** A batch in which the rule spent more than its evaluation budget and was skipped for the rest of it. */
export interface RuleHealthRecord {
  kind: 'budget_exceeded';
  /** 'compliance' (the stage; batchId is the pipeline batch) or the scheduled task (batchId: one page). */
  source: string;
  ruleVersion: number;
  batchId: string;
  spentMs: number;
  budgetMs: number;
  evaluations: number;
  skipped: number;
  occurredAt: Date;
}

export interface RuleListQuery {
  framework?: string;
  enabled?: boolean;
  limit: number;
  offset: number;
}

interface RuleRow {
  rule_id: string;
  version: number;
  framework: string;
  reference: string;
  severity: string;
  title: string;
  triggers: string[];
  definition: RuleDefinition;
  enabled: boolean;
  is_current: boolean;
  created_by: string;
  created_at: Date;
}

function toStored(row: RuleRow): StoredRule {
  return {
    definition: { ...row.definition, id: row.rule_id, version: row.version, enabled: row.enabled },
    enabled: row.enabled,
    createdBy: row.created_by,
    createdAt: row.created_at,
    isCurrent: row.is_current,
  };
}

function toSummary(row: RuleRow): RuleSummary {
  return {
    ruleId: row.rule_id,
    version: row.version,
    framework: row.framework,
    reference: row.reference,
    severity: row.severity,
    title: row.title,
    triggers: row.triggers,
    enabled: row.enabled,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The definition as stored: everything but `enabled`, which is the row's own column. */
function storedDefinition(def: RuleDefinition): string {
  const { enabled: _enabled, ...rest } = def;
  return JSON.stringify(rest);
}

@Injectable()
export class RulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts version 1 of each rule whose id is not stored yet (a shipped rule someone edited or
   * disabled is left alone). Safe when several processes start at once. Returns how many were added.
   */
  async seed(rules: readonly RuleDefinition[]): Promise<number> {
    return inRetriedTransaction(this.dataSource, async (tx) => {
      const inserted: unknown[] = await tx.query(
        `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                       triggers, definition, enabled, is_current, created_by)
         SELECT d->>'id', 1, d->>'framework', d->>'reference', d->>'severity', d->>'title', d->>'description',
                d->>'remediation', ARRAY(SELECT jsonb_array_elements_text(d->'triggers')), d, true, true, 'seed'
           FROM jsonb_array_elements($1::jsonb) AS d
          WHERE NOT EXISTS (SELECT 1 FROM compliance_rules r WHERE r.rule_id = d->>'id')
         ON CONFLICT DO NOTHING
         RETURNING rule_id`,
        [`[${rules.map((r) => storedDefinition({ ...r, version: 1 })).join(',')}]`],
      );
      if (inserted.length > 0) await this.bumpRevision(tx);
      return inserted.length;
    });
  }

  /** The current version of every rule and the revision they belong to, read in one snapshot. */
  async loadCurrent(): Promise<{ revision: number; rules: StoredRule[] }> {
    const [row] = await this.dataSource.query(
      `SELECT v.revision,
              coalesce((SELECT json_agg(r ORDER BY r.rule_id) FROM compliance_rules r WHERE r.is_current), '[]'::json) AS rules
         FROM compliance_rule_revision v`,
    );
    const rows = (row?.rules ?? []) as RuleRow[];
    return {
      revision: Number(row?.revision ?? 0),
      rules: rows.map((r) => toStored({ ...r, created_at: new Date(r.created_at) })),
    };
  }

  /** The revision of the rule set: it changes with every stored change of a rule. */
  async revision(sql: Sql = this.dataSource): Promise<number> {
    const [row]: { revision: string | number }[] = await sql.query(`SELECT revision FROM compliance_rule_revision`);
    return Number(row?.revision ?? 0);
  }

  async list(q: RuleListQuery): Promise<{ items: RuleSummary[]; total: number }> {
    const where = ['is_current'];
    const params: unknown[] = [];
    if (q.framework !== undefined) {
      params.push(q.framework);
      where.push(`framework = $${params.length}`);
    }
    if (q.enabled !== undefined) {
      params.push(q.enabled);
      where.push(`enabled = $${params.length}`);
    }
    params.push(q.limit, q.offset);
    const rows: (RuleRow & { total: string })[] = await this.dataSource.query(
      `SELECT *, count(*) OVER () AS total FROM compliance_rules WHERE ${where.join(' AND ')}
        ORDER BY rule_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && q.offset > 0) {
      const [c] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM compliance_rules WHERE ${where.join(' AND ')}`,
        params.slice(0, -2),
      );
      total = c.n;
    }
    return { items: rows.map(toSummary), total };
  }

  /** The rule's most recent health records (budget overruns), newest first. */
  async health(ruleId: string, limit: number): Promise<RuleHealthRecord[]> {
    const rows: Array<{
      kind: 'budget_exceeded';
      source: string;
      rule_version: number;
      batch_id: string;
      spent_ms: number;
      budget_ms: number;
      evaluations: number;
      skipped: number;
      occurred_at: Date;
    }> = await this.dataSource.query(
      `SELECT kind, source, rule_version, batch_id, spent_ms, budget_ms, evaluations, skipped, occurred_at
         FROM compliance_rule_health WHERE rule_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2`,
      [ruleId, limit],
    );
    return rows.map((r) => ({
      kind: r.kind,
      source: r.source,
      ruleVersion: r.rule_version,
      batchId: r.batch_id,
      spentMs: Number(r.spent_ms),
      budgetMs: r.budget_ms,
      evaluations: r.evaluations,
      skipped: r.skipped,
      occurredAt: r.occurred_at,
    }));
  }

  /** Every version of a rule, newest first; empty when the id is unknown. */
  async versions(ruleId: string, tx: Sql = this.dataSource): Promise<StoredRule[]> {
    const rows: RuleRow[] = await tx.query(
      `SELECT * FROM compliance_rules WHERE rule_id = $1 ORDER BY version DESC`,
      [ruleId],
    );
    return rows.map(toStored);
  }

  async current(ruleId: string, tx: Sql = this.dataSource, lock = false): Promise<StoredRule | null> {
    const rows: RuleRow[] = await tx.query(
      `SELECT * FROM compliance_rules WHERE rule_id = $1 AND is_current${lock ? ' FOR UPDATE' : ''}`,
      [ruleId],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** Inserts `def` as the current version (the previous current one, if any, stops being current). */
  async insertVersion(tx: Sql, def: RuleDefinition, enabled: boolean, createdBy: string): Promise<void> {
    await tx.query(`UPDATE compliance_rules SET is_current = false WHERE rule_id = $1 AND is_current`, [
      def.id,
    ]);
    await tx.query(
      `INSERT INTO compliance_rules (rule_id, version, framework, reference, severity, title, description, remediation,
                                     triggers, definition, enabled, is_current, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, true, $12)`,
      [
        def.id,
        def.version,
        def.framework,
        def.reference,
        def.severity,
        def.title,
        def.description,
        def.remediation,
        def.triggers,
        storedDefinition(def),
        enabled,
        createdBy,
      ],
    );
    await this.bumpRevision(tx);
  }

  async setEnabled(tx: Sql, ruleId: string, enabled: boolean): Promise<void> {
    await tx.query(`UPDATE compliance_rules SET enabled = $2 WHERE rule_id = $1 AND is_current`, [
      ruleId,
      enabled,
    ]);
    await this.bumpRevision(tx);
  }

  /** Takes the revision row's lock: rule changes are serialised, and the lock is held to commit. */
  async lockRevision(tx: Sql): Promise<void> {
    await tx.query(`SELECT revision FROM compliance_rule_revision FOR UPDATE`);
  }

  private async bumpRevision(tx: Sql): Promise<void> {
    await tx.query(`UPDATE compliance_rule_revision SET revision = revision + 1, changed_at = now()`);
  }
}
