import { Injectable, Logger, Optional } from '@nestjs/common';
import { ResilientCache } from '../../cache/resilient-cache';
import { sqlState } from '../../database/sql';
import { Transactions } from '../../database/transactions';
import { isRollupSource, ROLLUP_SOURCES, type RollupSource } from '../domain/rollup-sources';
import { RollupsRepository } from '../persistence/rollups.repository';
import { RollupWatermarksRepository } from '../persistence/rollup-watermarks.repository';

export { ROLLUP_SOURCES, type RollupSource } from '../domain/rollup-sources';

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

/** A fold waits this long for the watermarks; a rebuild in progress makes the tick skip instead. */
const LOCK_TIMEOUT = '2s' as const;

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
    private readonly transactions: Transactions,
    private readonly watermarks: RollupWatermarksRepository,
    private readonly rollups: RollupsRepository,
    @Optional() private readonly cache?: ResilientCache,
  ) {}

  async fold(): Promise<FoldResult> {
    const started = performance.now();
    let rows = zeroRows();
    let upTo: string | null = null;
    try {
      // Retried whole on a deadlock or serialization failure: every effect is inside the transaction.
      await this.transactions.run(async (tx) => {
        rows = zeroRows();
        const marks = await this.watermarks.lockAll(tx, LOCK_TIMEOUT);
        await this.rollups.reserveMemory(tx, 'fold');
        const { upper, at } = await this.rollups.safeUpperBound(tx);
        upTo = at.toISOString();
        for (const mark of marks) {
          if (!isRollupSource(mark.name)) continue;
          rows[mark.name] = await this.rollups.fold(tx, mark.name, mark.watermark, upper);
          await this.watermarks.advance(tx, mark.name, upper, rows[mark.name]);
        }
      });
    } catch (error) {
      if (sqlState(error) === '55P03') {
        return { ran: false, upTo: null, rows: zeroRows(), durationMs: Math.round(performance.now() - started) };
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
    let rows = zeroRows();
    let upTo: string | null = null;
    await this.transactions.run(async (tx) => {
      await this.rollups.reserveMemory(tx, 'rebuild');
      await this.watermarks.lockAll(tx);
      const { upper, at } = await this.rollups.safeUpperBound(tx);
      upTo = at.toISOString();
      rows = await this.rollups.rebuild(tx, upper);
      await this.watermarks.setAllRebuilt(tx, upper);
    });
    // Every row of the rollups is new: refresh the planner's statistics before anyone queries them.
    await this.rollups.analyze();
    await this.invalidate([...ROLLUP_SOURCES]);
    const result = { ran: true, upTo, rows, durationMs: Math.round(performance.now() - started) };
    this.logger.log(result, 'rebuilt the rollups');
    return result;
  }

  async status(): Promise<RollupStatus[]> {
    const rows = await this.watermarks.list();
    return rows
      .filter((r) => isRollupSource(r.name))
      .map((r) => ({
        source: r.name as RollupSource,
        watermark: finiteIso(r.watermark),
        lagSeconds: r.lagSeconds === null ? null : Math.round(r.lagSeconds * 10) / 10,
        foldedRows: r.foldedRows,
        foldedAt: finiteIso(r.foldedAt),
        rebuiltAt: finiteIso(r.rebuiltAt),
      }));
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

function zeroRows(): Record<RollupSource, number> {
  return { events: 0, findings: 0, violations: 0, user_risk: 0, consents: 0 };
}

function finiteIso(value: unknown): string | null {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime())) return null;
  return value.toISOString();
}
