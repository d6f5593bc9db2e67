import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';

/** One watermark row as locked for a fold: the time as text, since '-infinity' (nothing folded) has no Date. */
export interface LockedWatermark {
  name: string;
  watermark: string;
}

/** One watermark row for the status answer; '-infinity' reads as null. */
export interface WatermarkRow {
  name: string;
  watermark: Date | null;
  foldedRows: number;
  foldedAt: Date | null;
  rebuiltAt: Date | null;
  /** Seconds between the watermark and now, null before the first fold. */
  lagSeconds: number | null;
}

/**
 * rollup_watermarks: how far each rollup source has been folded (one row per source, seeded by the
 * migration). Locking the rows is what serialises folds and rebuilds fleet-wide.
 */
@Injectable()
export class RollupWatermarksRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks every watermark for the rest of `tx` and returns them. `lockTimeout` (a PostgreSQL interval
   * literal such as '2s', from the caller's constants) bounds the wait: past it the statement fails
   * with 55P03 and the caller decides what that means; without it the lock is awaited.
   */
  async lockAll(tx: Sql, lockTimeout?: `${number}s`): Promise<LockedWatermark[]> {
    if (lockTimeout !== undefined) {
      if (!/^\d+s$/.test(lockTimeout)) throw new Error(`not a lock timeout: ${lockTimeout}`);
      await tx.query(`SET LOCAL lock_timeout = '${lockTimeout}'`);
    }
    return tx.query(
      `SELECT name, watermark::text AS watermark FROM rollup_watermarks ORDER BY name FOR UPDATE`,
    );
  }

  /** Moves one source's watermark forward (never back) to `upper` and counts the rows folded. */
  async advance(tx: Sql, name: string, upper: string, foldedRows: number): Promise<void> {
    await tx.query(
      `UPDATE rollup_watermarks SET watermark = greatest(watermark, $2::timestamptz), folded_rows = folded_rows + $3, folded_at = now() WHERE name = $1`,
      [name, upper, foldedRows],
    );
  }

  /** After a rebuild: every source is folded exactly up to `upper`. */
  async setAllRebuilt(tx: Sql, upper: string): Promise<void> {
    await tx.query(`UPDATE rollup_watermarks SET watermark = $1, folded_at = now(), rebuilt_at = now()`, [
      upper,
    ]);
  }

  async list(sql: Sql = this.dataSource): Promise<WatermarkRow[]> {
    const rows: {
      name: string;
      watermark: Date | null;
      folded_rows: string | number;
      folded_at: Date | null;
      rebuilt_at: Date | null;
      lag: string | number | null;
    }[] = await sql.query(
      `SELECT name, CASE WHEN watermark = '-infinity' THEN NULL ELSE watermark END AS watermark, folded_rows, folded_at, rebuilt_at,
              CASE WHEN watermark = '-infinity' THEN NULL ELSE extract(epoch FROM now() - watermark) END AS lag
         FROM rollup_watermarks ORDER BY name`,
    );
    return rows.map((r) => ({
      name: r.name,
      watermark: r.watermark,
      foldedRows: Number(r.folded_rows),
      foldedAt: r.folded_at,
      rebuiltAt: r.rebuilt_at,
      lagSeconds: r.lag === null ? null : Number(r.lag),
    }));
  }
}
