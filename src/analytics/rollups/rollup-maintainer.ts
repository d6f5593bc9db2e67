import { Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ResilientCache } from '../../cache/resilient-cache';
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
} from '../persistence/rollup-statements';

/** The sources folded into rollups; each has a watermark row and a cache generation of the same name. */
export const ROLLUP_SOURCES = ['events', 'findings', 'violations', 'user_risk', 'consents'] as const;
export type RollupSource = (typeof ROLLUP_SOURCES)[number];

export interface FoldResult {
  /** false when another fold or a rebuild held the watermarks (this run did nothing) */
  ran: boolean;
  upTo: string | null;
  /** source rows folded in this run */
  rows: Record<RollupSource, number>;
  durationMs: number;
}

export interface RollupStatus {
  source: RollupSource;
  watermark: string | null;
  lagSeconds: number | null;
  foldedRows: number;
  foldedAt: string | null;
  rebuiltAt: string | null;
}

const ROLLUP_TABLES = [
  'rollup_events_hourly',
  'rollup_active_viewers_daily',
  'rollup_findings_daily',
  'rollup_violations_daily',
  'rollup_violation_ledger',
  'rollup_user_risk_daily',
  'rollup_consents_daily',
];

/** A fold waits this long for the watermarks; a rebuild in progress makes the tick skip instead. */
const LOCK_TIMEOUT = '2s';

/**
 * Keeps the rollups current from the tables the pipeline writes, so analytics never scans events.
 * One transaction per run: lock the watermarks, find the safe upper bound, fold each source's rows
 * written in [watermark, upper), move the watermarks to upper. A run that fails changes nothing; a
 * run repeated folds nothing twice. After a run that folded something, the cache generations of the
 * changed sources are bumped, which retires every cached answer built on them.
 */
@Injectable()
export class RollupMaintainer {
  private readonly logger = new Logger(RollupMaintainer.name);

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly cache?: ResilientCache,
  ) {}

  async fold(): Promise<FoldResult> {
    const started = performance.now();
    const rows = zeroRows();
    let upTo: string | null = null;
    try {
      await this.dataSource.transaction(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
        // A fold after a pause (or a backlog) groups many rows: hash them in memory.
        await tx.query(`SET LOCAL work_mem = '32MB'`);
        // The watermark travels as text: '-infinity' (nothing folded yet) has no Date.
        const marks: { name: RollupSource; watermark: string }[] = await tx.query(
          `SELECT name, watermark::text AS watermark FROM rollup_watermarks ORDER BY name FOR UPDATE`,
        );
        const { upper, at } = await safeUpperBound(tx);
        upTo = at.toISOString();
        for (const mark of marks) {
          if (!isSource(mark.name)) continue;
          rows[mark.name] = await this.foldSource(tx, mark.name, mark.watermark, upper);
          await tx.query(
            `UPDATE rollup_watermarks SET watermark = greatest(watermark, $2::timestamptz), folded_rows = folded_rows + $3, folded_at = now() WHERE name = $1`,
            [mark.name, upper, rows[mark.name]],
          );
        }
      });
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        return { ran: false, upTo: null, rows, durationMs: Math.round(performance.now() - started) };
      }
      throw error;
    }
    await this.invalidate(ROLLUP_SOURCES.filter((s) => rows[s] > 0));
    return { ran: true, upTo, rows, durationMs: Math.round(performance.now() - started) };
  }

  /**
   * Recomputes every rollup from the raw tables, in one transaction (readers see the old rollups
   * until it commits), and sets the watermarks to where it read up to.
   */
  async rebuild(): Promise<FoldResult> {
    const started = performance.now();
    const rows = zeroRows();
    let upTo: string | null = null;
    await this.dataSource.transaction(async (tx) => {
      // Grouping millions of rows: let the aggregation hash in memory rather than spill.
      await tx.query(`SET LOCAL work_mem = '64MB'`);
      await tx.query(`SELECT 1 FROM rollup_watermarks ORDER BY name FOR UPDATE`);
      const { upper, at } = await safeUpperBound(tx);
      upTo = at.toISOString();
      rows.events = await runAll(tx, REBUILD_EVENTS, [upper]);
      rows.findings = await runAll(tx, REBUILD_FINDINGS, [upper]);
      rows.consents = await runAll(tx, REBUILD_CONSENTS, [upper]);
      rows.violations = await runAll(tx, REBUILD_VIOLATIONS, []);
      await runAll(tx, REBUILD_USER_RISK, []);
      rows.user_risk = await folded(tx, FOLD_USER_RISK, ['-infinity', upper]);
      await tx.query(`UPDATE rollup_watermarks SET watermark = $1, folded_at = now(), rebuilt_at = now()`, [
        upper,
      ]);
    });
    // Every row of the rollups is new: refresh the planner's statistics before anyone queries them.
    for (const table of ROLLUP_TABLES) await this.dataSource.query(`ANALYZE ${table}`);
    await this.invalidate([...ROLLUP_SOURCES]);
    const result = { ran: true, upTo, rows, durationMs: Math.round(performance.now() - started) };
    this.logger.log(result, 'rebuilt the rollups');
    return result;
  }

  async status(): Promise<RollupStatus[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT name, CASE WHEN watermark = '-infinity' THEN NULL ELSE watermark END AS watermark, folded_rows, folded_at, rebuilt_at,
              CASE WHEN watermark = '-infinity' THEN NULL ELSE extract(epoch FROM now() - watermark) END AS lag
         FROM rollup_watermarks ORDER BY name`,
    );
    return rows
      .filter((r) => isSource(r.name as string))
      .map((r) => ({
        source: r.name as RollupSource,
        watermark: finiteIso(r.watermark),
        lagSeconds: r.lag === null ? null : Math.round(Number(r.lag) * 10) / 10,
        foldedRows: Number(r.folded_rows),
        foldedAt: finiteIso(r.folded_at),
        rebuiltAt: finiteIso(r.rebuilt_at),
      }));
  }

  private async foldSource(
    tx: EntityManager,
    source: RollupSource,
    from: string,
    to: string,
  ): Promise<number> {
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

  private async invalidate(sources: RollupSource[]): Promise<void> {
    if (!this.cache || sources.length === 0) return;
    try {
      await this.cache.bump(sources);
    } catch (error) {
      // The rollups are committed; stale answers expire with their TTL.
      this.logger.warn(`cannot bump cache generations: ${(error as Error).message}`);
    }
  }
}

/** The bound as text (exact to the microsecond, as stored) and as a Date (for display). */
async function safeUpperBound(tx: EntityManager): Promise<{ upper: string; at: Date }> {
  const [row]: { upper: string; at: Date }[] = await tx.query(
    `SELECT upper::text AS upper, upper AS at FROM (${SAFE_UPPER_BOUND}) b`,
  );
  return row;
}

async function folded(tx: EntityManager, statement: string, params: unknown[]): Promise<number> {
  const [row]: { folded: string }[] = await tx.query(statement, params);
  return Number(row?.folded ?? 0);
}

/** Runs the statements in order; the last one's `folded` is the answer. */
async function runAll(tx: EntityManager, statements: string[], params: unknown[]): Promise<number> {
  let last = 0;
  for (const statement of statements) {
    const count = (statement.match(/\$\d+/g) ?? []).length > 0 ? params : [];
    const result = await tx.query(statement, count);
    last = Array.isArray(result) && result[0] && 'folded' in result[0] ? Number(result[0].folded) : last;
  }
  return last;
}

function zeroRows(): Record<RollupSource, number> {
  return { events: 0, findings: 0, violations: 0, user_risk: 0, consents: 0 };
}

function isSource(name: string): name is RollupSource {
  return (ROLLUP_SOURCES as readonly string[]).includes(name);
}

function finiteIso(value: unknown): string | null {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) return null;
  return value.toISOString();
}
