import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { ScheduledTasks } from '../pipeline/scheduled-tasks';
import { ViolationsRepository } from './persistence/violations.repository';
import { ViolationRecorder } from './violation-recorder';

export const VIOLATION_SWEEP_TASK = 'violation-sweep';
const SWEEP_EVERY_MS = 15_000;
/** A finding with an event this old and still unconverted was written after its batch left the stage. */
const STRAGGLER_AFTER_MS = 10 * 60_000;
const PAGE = 2000;

/**
 * Findings no batch converts: the compliance scheduler's (deadlines, retention: no event) and
 * stragglers. A job scheduler on the maintenance queue folds them into violations, a page per
 * transaction; their changes reach alerting through the same hand-off table as a batch's.
 */
@Injectable()
export class ViolationSweeper implements OnModuleInit {
  private readonly logger = new Logger(ViolationSweeper.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly store: ViolationsRepository,
    private readonly recorder: ViolationRecorder,
    private readonly tasks: ScheduledTasks,
  ) {}

  onModuleInit(): void {
    this.tasks.register({
      name: VIOLATION_SWEEP_TASK,
      schedule: { every: SWEEP_EVERY_MS },
      run: () => this.sweep(),
    });
  }

  async sweep(now: Date = new Date(), maxPages = 10): Promise<{ findings: number; violations: number }> {
    const total = { findings: 0, violations: 0 };
    for (let page = 0; page < maxPages; page++) {
      // Counted once committed: a transaction retried after a deadlock runs the work again.
      const swept = await this.transactions.run(async (tx) => {
        const findings = await this.store.unlinkedFindings(
          tx,
          new Date(now.getTime() - STRAGGLER_AFTER_MS),
          PAGE,
        );
        const plan = await this.recorder.record(tx, findings, null, 'system:violation-sweep');
        return { findings: findings.length, violations: plan.violations.length };
      });
      total.findings += swept.findings;
      total.violations += swept.violations;
      if (swept.findings < PAGE) break;
    }
    if (total.findings > 0) this.logger.log(total, 'folded unlinked findings into violations');
    return total;
  }
}
