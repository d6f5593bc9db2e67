import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { HandlesStage, StageHandler } from '../pipeline/stage-handler';
import { ViolationsRepository } from './persistence/violations.repository';
import { ViolationRecorder } from './violation-recorder';

/**
 * Stage 4: the findings of the batch's events become violation records. One transaction per batch:
 * the findings are locked, folded into violations and marked with their violation in it, so a
 * re-run (retry, stall, re-drive) finds nothing left to convert and writes nothing twice.
 */
@Injectable()
@HandlesStage('violation')
export class ViolationStage implements StageHandler {

  constructor(
    private readonly transactions: Transactions,
    private readonly store: ViolationsRepository,
    private readonly recorder: ViolationRecorder,
  ) {}

  async handle(batchId: string): Promise<void> {
    await this.transactions.run(async (tx) => {
      const findings = await this.store.batchFindings(tx, batchId);
      await this.recorder.record(tx, findings, batchId, 'system:violation-stage');
    });
  }
}
