import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { ViolationHandOff } from '../violations/violation-hand-off';
import { HandlesStage, StageHandler } from '../pipeline/stage-handler';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertRaiser } from './alert-raiser';

/**
 * Stage 5: the violations the batch created, escalated or repeated become alerts (or are folded into
 * an open one), in one transaction that also marks the batch's changes as handled; then the new
 * alerts are dispatched. A re-run finds the changes handled and only re-dispatches what a crash
 * left undispatched.
 */
@Injectable()
@HandlesStage('alerting')
export class AlertingStage implements StageHandler {

  constructor(
    private readonly transactions: Transactions,
    private readonly handOff: ViolationHandOff,
    private readonly raiser: AlertRaiser,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async handle(batchId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const changes = await this.handOff.batchChanges(tx, batchId);
      if (changes.length === 0) return;
      await this.raiser.raise(
        tx,
        changes.map((c) => ({
          violationId: c.violationId,
          reason: c.change,
          severity: c.severity,
          occurrences: c.occurrences,
        })),
        batchId,
      );
      await this.handOff.markChangesAlerted(
        tx,
        changes.map((c) => c.id),
      );
    });
    await this.dispatcher.dispatchBatch(batchId);
  }
}
