import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { RollupSource } from '../domain/rollup-sources';
import {
  COLLECT_VIOLATION_DAYS,
  FOLD_CONSENTS,
  FOLD_EVENTS,
  FOLD_FINDINGS,
  FOLD_USER_RISK,
  RECOMPUTE_VIOLATION_DAYS,
  REBUILD_CONSENTS,
  REBUILD_EVENTS,
  REBUILD_FINDINGS,
  REBUILD_USER_RISK,
  REBUILD_VIOLATIONS,
  SAFE_UPPER_BOUND,
} from './rollup-statements';

/** Every table the folds write; RollupQueries reads them. */
const ROLLUP_TABLES = [
  'rollup_events_hourly',
  'rollup_active_viewers_daily',
  'rollup_findings_daily',
  'rollup_violations_daily',
  'rollup_violation_ledger',
  'rollup_user_risk_daily',
  'rollup_consents_daily',
] as const;

/**
 * Memory for the grouping statements of one transaction: a fold after a pause (a backlog) groups many
 * rows, a rebuild groups everything; both should hash in memory rather than spill to disk.
 */
const WORK_MEM = { fold: '32MB', rebuild: '64MB' } as const;

/**
 * The writes of the rollup tables (rollup_events_hourly … rollup_consents_daily): incremental folds
 * over a window of source rows and full rebuilds, with the statements of rollup-statements.ts. The
 * caller holds the watermarks (RollupWatermarksRepository) and the transaction.
 */
@Injectable()
export class RollupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async reserveMemory(tx: Sql, kind: keyof typeof WORK_MEM): Promise<void> {
    await tx.query(`SET LOCAL work_mem = '${WORK_MEM[kind]}'`);
  }

  /** The safe upper bound of a fold (SAFE_UPPER_BOUND): as text, exact to the microsecond as stored, and as a Date. */
  async safeUpperBound(tx: Sql): Promise<{ upper: string; at: Date }> {
    const [row]: { upper: string; at: Date }[] = await tx.query(
      `SELECT upper::text AS upper, upper AS at FROM (${SAFE_UPPER_BOUND}) b`,
    );
    return row;
  }

  /** Folds the source's rows written in [from, to) into its rollups; returns the rows folded. */
  async fold(tx: Sql, source: RollupSource, from: string, to: string): Promise<number> {
    switch (source) {
      case 'events':
        return folded(tx, FOLD_EVENTS, [from, to]);
      case 'findings':
        return folded(tx, FOLD_FINDINGS, [from, to]);
      case 'consents':
        return folded(tx, FOLD_CONSENTS, [from, to]);
      case 'user_risk':
        return folded(tx, FOLD_USER_RISK, [from, to]);
      case 'violations': {
        const [changed]: { folded: string; days: string[] }[] = await tx.query(COLLECT_VIOLATION_DAYS, [
          from,
          to,
        ]);
        if (changed.days.length > 0) await tx.query(RECOMPUTE_VIOLATION_DAYS, [changed.days]);
        return Number(changed.folded);
      }
    }
  }

  /**
   * Recomputes every rollup from the source rows written before `upper` (violations and viewer risk:
   * from all of them, as a fold would); returns the source rows each rollup was built from.
   */
  async rebuild(tx: Sql, upper: string): Promise<Record<RollupSource, number>> {
    const events = await runAll(tx, REBUILD_EVENTS, [upper]);
    const findings = await runAll(tx, REBUILD_FINDINGS, [upper]);
    const consents = await runAll(tx, REBUILD_CONSENTS, [upper]);
    const violations = await runAll(tx, REBUILD_VIOLATIONS, []);
    await runAll(tx, REBUILD_USER_RISK, []);
    const userRisk = await folded(tx, FOLD_USER_RISK, ['-infinity', upper]);
    return { events, findings, violations, user_risk: userRisk, consents };
  }

  /**
   * Counts one violation resolved today at once, in the caller's transaction (the case decision's),
   * so analytics shows it before the next fold; that fold recomputes the day from the violations
   * table (COLLECT_VIOLATION_DAYS includes the day of the change), so the two agree.
   */
  async countResolvedToday(tx: Sql, violation: { framework: string; severity: string }): Promise<void> {
    await tx.query(
      `INSERT INTO rollup_violations_daily AS r (day, framework, severity, resolved_count)
       VALUES ((now() AT TIME ZONE 'UTC')::date, $1, $2, 1)
       ON CONFLICT (day, framework, severity) DO UPDATE SET resolved_count = r.resolved_count + 1`,
      [violation.framework, violation.severity],
    );
  }

  /** Refreshes the planner's statistics of every rollup table (after a rebuild, every row is new). */
  async analyze(sql: Sql = this.dataSource): Promise<void> {
    for (const table of ROLLUP_TABLES) await sql.query(`ANALYZE ${table}`);
  }
}

async function folded(tx: Sql, statement: string, params: unknown[]): Promise<number> {
  const [row]: { folded: string }[] = await tx.query(statement, params);
  return Number(row?.folded ?? 0);
}

/** Runs the statements in order; the last one's `folded` is the answer. */
async function runAll(tx: Sql, statements: string[], params: unknown[]): Promise<number> {
  let last = 0;
  for (const statement of statements) {
    const count = (statement.match(/\$\d+/g) ?? []).length > 0 ? params : [];
    const result = await tx.query(statement, count);
    last = Array.isArray(result) && result[0] && 'folded' in result[0] ? Number(result[0].folded) : last;
  }
  return last;
}
