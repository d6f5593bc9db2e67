import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { ViolationHandOff } from '../violations/violation-hand-off';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ScheduledTasks } from '../pipeline/scheduled-tasks';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertRaiser } from './alert-raiser';

export const ALERTING_TASKS = {
  /** critical violations nobody acknowledged in time */
  unacknowledged: 'alerting-unacknowledged',
  /** violation changes no batch job alerts on (the violation sweeper's), and interrupted dispatches */
  pending: 'alerting-pending',
} as const;

const UNACK_EVERY_MS = 30_000;
const PENDING_EVERY_MS = 10_000;
/** A batch's changes still unhandled after this long are taken over (its alerting job is stuck or dead). */
const ORPHANED_AFTER_MS = 10 * 60_000;
/** An alert created this long ago and not dispatched was interrupted by a crash. */
const UNDISPATCHED_AFTER_MS = 60_000;
const PAGE = 1000;

/** Time-driven alerting, as BullMQ job schedulers on the maintenance queue. */
@Injectable()
export class AlertSchedules implements OnModuleInit {
  private readonly logger = new Logger(AlertSchedules.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly handOff: ViolationHandOff,
    private readonly raiser: AlertRaiser,
    private readonly dispatcher: AlertDispatcher,
    private readonly tasks: ScheduledTasks,
  ) {}

  onModuleInit(): void {
    this.tasks.register({
      name: ALERTING_TASKS.unacknowledged,
      schedule: { every: UNACK_EVERY_MS },
      run: () => this.escalateUnacknowledged(),
    });
    this.tasks.register({
      name: ALERTING_TASKS.pending,
      schedule: { every: PENDING_EVERY_MS },
      run: () => this.alertPending(),
    });
  }

  /**
   * Critical violations still 'open' (not acknowledged) `unackDeadlineSeconds` after they became
   * critical get one 'unacknowledged' alert each; the violation is marked in the same transaction,
   * so a second run, or a second worker, escalates nothing twice.
   */
  async escalateUnacknowledged(now: Date = new Date()): Promise<{ escalated: number; alerts: string[] }> {
    const deadline = new Date(now.getTime() - this.config.alerting.unackDeadlineSeconds * 1000);
    const { ids, alerts } = await this.transactions.run(async (tx) => {
      // `now` only sets the deadline (a test or a catch-up run may pass a later one); what is written is stamped with the real time.
      const claimed = await this.handOff.claimUnacknowledgedCritical(tx, deadline, new Date(), PAGE);
      const created = await this.raiser.raise(
        tx,
        claimed.map((violationId) => ({
          violationId,
          reason: 'unacknowledged' as const,
          severity: 'critical' as const,
          occurrences: 0,
        })),
        null,
      );
      return { ids: claimed, alerts: created };
    });
    await this.dispatcher.dispatchIds(alerts);
    if (ids.length > 0)
      this.logger.warn({ count: ids.length }, 'escalated unacknowledged critical violations');
    return { escalated: ids.length, alerts };
  }

  async alertPending(
    now: Date = new Date(),
  ): Promise<{ changes: number; alerts: number; redispatched: number }> {
    const { changes, alerts } = await this.transactions.run(async (tx) => {
      const pending = await this.handOff.orphanedChanges(tx, new Date(now.getTime() - ORPHANED_AFTER_MS), PAGE);
      const created = await this.raiser.raise(
        tx,
        pending.map((c) => ({
          violationId: c.violationId,
          reason: c.change,
          severity: c.severity,
          occurrences: c.occurrences,
        })),
        null,
      );
      await this.handOff.markChangesAlerted(
        tx,
        pending.map((c) => c.id),
      );
      return { changes: pending.length, alerts: created };
    });
    await this.dispatcher.dispatchIds(alerts);
    const redispatched = await this.dispatcher.dispatchStale(new Date(now.getTime() - UNDISPATCHED_AFTER_MS));
    return { changes, alerts: alerts.length, redispatched };
  }
}
