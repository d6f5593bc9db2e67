import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { complianceMetrics } from './compliance-metrics';
import { HandlesStage, StageHandler } from '../pipeline/stage-handler';
import type { ComplianceEvent } from './domain/compliance-event';
import { RuleBudget } from './domain/rule-budget';
import { applyActorEventInPlace, tracksActor } from './domain/viewer-state-reducer';
import { emptyActorState, type ActorState } from './domain/viewer-state';
import {
  ComplianceStateStore,
  type FindingRow,
  type ViewerWrite,
} from './persistence/compliance-state.store';
import { isTransientSubject } from './persistence/stored-events';
import { LateEventReevaluator } from './late-events/late-event-reevaluator';
import { ActiveRules } from './rules/active-rules';

export interface BatchOutcome {
  /** false when the batch had been applied before (nothing was written this time) */
  applied: boolean;
  events: number;
  findings: number;
  /** findings new to the table (a finding can exist already from an earlier attempt's rule version) */
  newFindings: number;
}

/**
 * Stage 2: evaluates the rule set against each event of a batch and its viewer's and actor's state, in
 * event-time order. One transaction per batch: claim the batch id (a second run finds it claimed and
 * writes nothing), lock the batch's viewer state rows in a stable order, evaluate, write states, ledger,
 * requests and findings, and finally add the batch's counts to its actors' windows. Two workers touching
 * the same viewer serialise on its row, so neither loses the other's update. Actor windows are
 * commutative counters: a batch reads them as last committed, and merges its own counts under a lock
 * taken just before commit (the evaluation may not yet see the counts of a batch still in flight; no
 * count is ever lost or applied twice).
 */
@Injectable()
@HandlesStage('compliance')
export class ComplianceStage implements StageHandler {
  private readonly logger = new Logger(ComplianceStage.name);

  constructor(
    private readonly store: ComplianceStateStore,
    private readonly transactions: Transactions,
    private readonly rules: ActiveRules,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'rules'>,
    private readonly lateEvents: LateEventReevaluator,
  ) {}

  async handle(batchId: string): Promise<void> {
    await this.apply(batchId);
  }

  /** handle(), reporting what it did (tests and the benchmark read it). */
  async apply(batchId: string): Promise<BatchOutcome> {
    const notApplied = { applied: false, events: 0, findings: 0, newFindings: 0 };
    const batch = await this.store.loadBatch(batchId);
    if (batch.applied) return notApplied;
    const active = await this.rules.get(batch.revision);
    const { events } = batch;
    const viewerIds = new Set<string>();
    for (const e of events) if (!isTransientSubject(e.userId)) viewerIds.add(e.userId);

    let attempt = 0;
    return this.transactions.run(async (tx) => {
      attempt++;
      // The claim also turns off the wait for this transaction's WAL flush: safe, because the runner then
      // advances the batch in a synchronous commit, which flushes this one first; a crash before that
      // re-runs the batch, which is idempotent.
      if (!(await this.store.claimBatch(tx, batchId, events.length))) return notApplied;
      if (events.length === 0) return { applied: true, events: 0, findings: 0, newFindings: 0 };
      const locked = await this.store.lockViewerStates(tx, [...viewerIds]);
      // Viewer states are copy-on-write: the evaluator copies a section on its first write to it, so the
      // sections still identical to what was read need no writing back. Actor windows were parsed for this
      // batch alone and are updated in place (a transaction retried after a deadlock reads them again).
      const actors = attempt === 1 ? batch.actors : await this.store.readActorStates(tx, events);
      // A fresh budget per attempt: a retried transaction evaluates the batch again from the start.
      const budget = new RuleBudget(this.config.rules.budgetMsPerBatch);
      const result = active.evaluator.evaluateBatch(
        events,
        { viewers: locked.viewers, actors },
        { reuseLoadedActors: true, budget },
      );
      if (result.overBudget.length > 0) {
        // Skipped, not failed: a retry would spend the same time again. Recorded below with the batch.
        this.logger.warn(
          { batchId, overBudget: result.overBudget },
          'rules over their evaluation budget were skipped for the rest of the batch',
        );
      }
      if (result.errors.length > 0) {
        this.logger.warn(
          { batchId, errors: result.errors.slice(0, 5), count: result.errors.length },
          'rule expressions failed on some events (reported, not findings)',
        );
      }
      const viewers: ViewerWrite[] = [];
      for (const [id, state] of result.viewers) {
        if (isTransientSubject(id)) continue;
        viewers.push({ state, before: locked.fresh.has(id) ? null : (locked.viewers.get(id) ?? null) });
      }
      const findings: FindingRow[] = result.findings.map((finding) => ({
        finding,
        rule: active.rules.get(finding.ruleId)?.def,
      }));
      const inserted = await this.store.writeBatch(tx, { batchId, viewers, events, findings });
      // Late events: the viewers' windows they fall into are judged again (late-event-reevaluator.ts).
      await this.lateEvents.reevaluate(tx, {
        events,
        before: locked.viewers,
        rules: active.rules,
        ruleText: (id) => active.rules.get(id)?.def,
      });
      await this.store.recordBudgetOverruns(tx, batchId, result.overBudget);
      await this.store.upsertRequests(tx, events, result.viewers, active.rules.reference, new Date());
      await this.store.upsertProfiles(tx, events, result.viewers);
      // Last, so the actors' rows are locked only until the commit that follows.
      await this.store.mergeActorStates(tx, actorDeltas(events));
      for (const o of result.overBudget) complianceMetrics.ruleBudgetExceeded.inc({ rule: o.ruleId });
      return { applied: true, events: events.length, findings: findings.length, newFindings: inserted };
    });
  }
}

/** Each tracked actor's counts from this batch's events alone, to be merged into the stored window. */
function actorDeltas(events: readonly ComplianceEvent[]): Map<string, ActorState> {
  const deltas = new Map<string, ActorState>();
  for (const e of events) {
    if (!tracksActor(e)) continue;
    let delta = deltas.get(e.actorId);
    if (!delta) {
      delta = emptyActorState(e.actorId, e.actorType);
      deltas.set(e.actorId, delta);
    }
    applyActorEventInPlace(delta, e);
  }
  return deltas;
}
