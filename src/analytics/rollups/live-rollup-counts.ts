import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { RollupsRepository } from '../persistence/rollups.repository';

/**
 * What other modules may add to the rollups between two folds, inside their own transaction: today a
 * case resolved by an officer, so that analytics shows it at once rather than after the next fold.
 * Exported by the analytics module; the rollup tables are written by analytics alone.
 */
@Injectable()
export class LiveRollupCounts {
  constructor(private readonly rollups: RollupsRepository) {}

  violationResolved(tx: Sql, violation: { framework: string; severity: string }): Promise<void> {
    return this.rollups.countResolvedToday(tx, violation);
  }
}
