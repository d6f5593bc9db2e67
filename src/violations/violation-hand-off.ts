import { Injectable } from '@nestjs/common';
import type { Sql } from '../database/sql';
import { PendingChange, ViolationsRepository } from './persistence/violations.repository';

export type { PendingChange } from './persistence/violations.repository';

/**
 * What the alerting module does with violations, exported so that the violation tables stay written by
 * this module alone: it consumes the changes the violation stage hands off (violation_changes, locked,
 * then marked alerted in the same transaction) and escalates critical cases nobody acknowledged (the
 * violation is marked and its history written in the alerting transaction that raises the alert).
 */
@Injectable()
export class ViolationHandOff {
  constructor(private readonly violations: ViolationsRepository) {}

  /** A batch's changes not yet alerted on, locked (a re-run of the batch waits, then finds them done). */
  batchChanges(tx: Sql, batchId: string): Promise<PendingChange[]> {
    return this.violations.batchChanges(tx, batchId);
  }

  /** Changes no batch job will alert on (the sweeper's, or left behind before `staleBefore`), locked, skipping rows held elsewhere. */
  orphanedChanges(tx: Sql, staleBefore: Date, limit: number): Promise<PendingChange[]> {
    return this.violations.orphanedChanges(tx, staleBefore, limit);
  }

  markChangesAlerted(tx: Sql, changeIds: string[]): Promise<void> {
    return this.violations.markChangesAlerted(tx, changeIds);
  }

  /**
   * Critical violations still open (never acknowledged) with `critical_at` before `criticalBefore`:
   * marked escalated at `now`, with a history entry, and returned (at most `limit`).
   */
  claimUnacknowledgedCritical(tx: Sql, criticalBefore: Date, now: Date, limit: number): Promise<string[]> {
    return this.violations.claimUnacknowledgedCritical(tx, criticalBefore, now, limit);
  }
}
