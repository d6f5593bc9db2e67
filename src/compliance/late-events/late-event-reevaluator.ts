import { Injectable, Logger } from '@nestjs/common';
import { Counter, Metric, register } from 'prom-client';
import type { Sql } from '../../database/sql';
import type { ComplianceEvent } from '../domain/compliance-event';
import {
  decideSupersession,
  lateWindows,
  replayFilterFor,
  replayWindow,
  rulesAffectedBy,
} from '../domain/late-events';
import type { RuleSet } from '../domain/rule-set';
import type { ViewerState } from '../domain/viewer-state';
import { ComplianceStateStore } from '../persistence/compliance-state.store';
import { LateEventsRepository } from '../persistence/late-events.repository';

/** A viewer with more stored events than this (of the types the replay needs) is not replayed. */
export const MAX_REPLAY_EVENTS = 20_000;
/** Viewers re-evaluated per batch at most: a batch of a backfill is all late, and the stage must go on. */
export const MAX_VIEWERS_PER_BATCH = 200;

export interface LateEventOutcome {
  viewers: number;
  superseded: number;
  restored: number;
  added: number;
  /** viewers with late events left as the stage judged them (too many events, or too many viewers) */
  skipped: number;
}

function once<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

/** On the default registry, once per process (several app instances share it in tests). */
const lateMetrics = {
  reevaluated: once(
    'ott_late_event_reevaluations_total',
    () =>
      new Counter({
        name: 'ott_late_event_reevaluations_total',
        help: 'Viewer windows re-evaluated because a late event arrived.',
      }),
  ),
  skipped: once(
    'ott_late_event_reevaluations_skipped_total',
    () =>
      new Counter({
        name: 'ott_late_event_reevaluations_skipped_total',
        help: 'Viewers with late events whose window was not re-evaluated (over the event or viewer bound).',
      }),
  ),
  superseded: once(
    'ott_findings_superseded_total',
    () =>
      new Counter({
        name: 'ott_findings_superseded_total',
        help: 'Findings marked superseded because a late event changed what they were judged on.',
      }),
  ),
};

/**
 * Called by the compliance stage inside its batch transaction, after the batch's findings are written:
 * re-evaluates the windows of viewers who received late events (domain/late-events.ts), marks stored
 * findings the replay no longer raises as superseded and inserts the ones it newly raises. The viewers'
 * state rows are locked by the stage, so the replay reads a settled history; a retried transaction runs
 * it again from the start (every write here is keyed, so a re-run writes the same rows).
 */
@Injectable()
export class LateEventReevaluator {
  private readonly logger = new Logger(LateEventReevaluator.name);

  constructor(
    private readonly events: LateEventsRepository,
    private readonly store: ComplianceStateStore,
  ) {}

  async reevaluate(
    tx: Sql,
    batch: {
      events: readonly ComplianceEvent[];
      /** viewer states as read before the batch was applied */
      before: ReadonlyMap<string, ViewerState>;
      rules: RuleSet;
      ruleText: (ruleId: string) => { title: string; remediation: string } | undefined;
    },
  ): Promise<LateEventOutcome> {
    const outcome: LateEventOutcome = { viewers: 0, superseded: 0, restored: 0, added: 0, skipped: 0 };
    const windows = lateWindows(batch.events, batch.before);
    for (const [i, w] of windows.entries()) {
      if (i >= MAX_VIEWERS_PER_BATCH) {
        outcome.skipped += windows.length - i;
        break;
      }
      const rules = rulesAffectedBy(batch.rules, w.lateEvents);
      if (rules.length === 0) continue;
      const history = await this.events.viewerEvents(
        tx,
        w.userId,
        replayFilterFor(rules),
        MAX_REPLAY_EVENTS + 1,
      );
      if (history.length > MAX_REPLAY_EVENTS) {
        outcome.skipped++;
        continue;
      }
      const { findings } = replayWindow(history, rules, batch.rules.reference, w.from);
      const stored = await this.events.windowFindings(
        tx,
        w.userId,
        rules.map((r) => r.def.id),
        new Date(w.from),
      );
      const decision = decideSupersession(stored, findings);
      outcome.viewers++;
      outcome.superseded += await this.events.supersede(tx, decision.supersede, w.firstLateEventId);
      await this.events.restore(tx, decision.restore);
      outcome.restored += decision.restore.length;
      const inserted = await this.store.insertFindings(
        tx,
        decision.add.map((finding) => ({ finding, rule: batch.ruleText(finding.ruleId) })),
      );
      outcome.added += inserted.length;
    }
    if (windows.length > 0) {
      lateMetrics.reevaluated.inc(outcome.viewers);
      lateMetrics.skipped.inc(outcome.skipped);
      lateMetrics.superseded.inc(outcome.superseded);
      this.logger.log({ lateViewers: windows.length, ...outcome }, 'late events re-evaluated');
    }
    if (outcome.skipped > 0)
      this.logger.warn(
        { skipped: outcome.skipped },
        'late events of some viewers were not re-evaluated (bounds)',
      );
    return outcome;
  }
}
