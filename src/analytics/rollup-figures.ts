import { Client } from 'pg';
import { RollupQueries } from './persistence/rollup-queries';
import { Queryable, sqlOf } from './persistence/sql';

export type { EventBucket, TopRiskRow } from './persistence/rollup-queries';
export type { Queryable } from './persistence/sql';

/**
 * The read-only questions over the rollups that analytics answers for other modules (reports). They
 * depend on this surface and the ROLLUP_FIGURES provider, never on analytics/persistence, so the
 * rollup tables keep one owner and their queries one home.
 */
export type RollupFigures = Pick<RollupQueries, keyof RollupQueries>;

/** Nest token of the app's RollupFigures (exported by AnalyticsModule). */
export const ROLLUP_FIGURES = Symbol('RollupFigures');

/**
 * RollupFigures over any connection, for scripts and benches outside Nest. `pg.Client` runs one query
 * at a time, so its queries are sent one after another.
 */
export function rollupFiguresOver(db: Queryable): RollupFigures {
  return new RollupQueries(sqlOf(db, { serial: db instanceof Client }));
}
