/**
 * Back-testing a rule draft against stored events, without changing anything. Runs in a worker thread
 * with a time and memory budget (backtest-thread.ts), never in the API process: plain code over one
 * database connection, no Nest. One read-only REPEATABLE READ transaction (a consistent snapshot;
 * PostgreSQL refuses any write in it) streams processed_events through server-side cursors, in
 * occurred_at order, into the domain's RuleBacktest; the SQL is EventReplayRepository's.
 * Only the event types that trigger the rule or change the state it reads are read (replay-relevance.ts).
 *
 * State semantics: the state each event is judged against is rebuilt from stored events as it was at
 * that event's time. Before the range starts, every viewer with an event of the rule in the range is
 * warmed up from its first stored event (state only, nothing is evaluated), and so are actor windows over
 * the last hour before `from` (the longest actor window), so a consent given a year before the range
 * still counts. Only processed_events are replayed: whatever was never stored there (or was deleted) is
 * not part of the rebuilt state.
 */
import { RuleBacktest, type BacktestResult } from '../domain/backtest';
import type { BacktestInput, BacktestReport, SampleEvent } from '../domain/backtest-run';
import { evaluateEventInto, StateWorkspace } from '../domain/compliance-evaluator';
import type { RuleLanguage } from '../domain/rule-language';
import type { RuleEvaluationError } from '../domain/rule-set';
import { ACTOR_ACCESS_HORIZON_MS } from '../domain/viewer-state';
import { replayEventTypes, type ReplayFilter } from '../domain/replay-relevance';
import { EventReplayRepository, type ReplayConnection } from '../persistence/event-replay.repository';

export type { ReplayConnection } from '../persistence/event-replay.repository';

const NO_RULES = { before: [], after: [] };

/** A checked back-test: the draft (its version set), the version it is compared with, the range. */
export class BacktestReplay {
  constructor(private readonly language: RuleLanguage) {}

  /** Replays the range on `runner` (one connection, inside its own read-only transaction). */
  async run(runner: ReplayConnection, input: BacktestInput): Promise<BacktestReport> {
    const from = new Date(input.from);
    const to = new Date(input.to);
    const def = input.draft;
    const ruleId = def.id;
    const compiled = this.language.compile(def);
    const baselineCompiled = input.baseline ? this.language.compile(input.baseline) : null;
    // A current version that is a scheduled rule cannot be compared event by event.
    const baseline = baselineCompiled?.kind === 'event' ? input.baseline : null;
    // Only the events that trigger either version or change the state they read (null: all of them).
    const filter = replayEventTypes(
      baselineCompiled?.kind === 'event' ? [compiled, baselineCompiled] : [compiled],
    );
    const triggers = [...new Set([...def.triggers, ...(baseline?.triggers ?? [])])];

    const events = new EventReplayRepository(runner);
    return events.inSnapshot(async () => {
      const warm = await this.warmUp(events, from, to, filter, triggers);
      const backtest = new RuleBacktest({
        draft: def,
        current: baseline,
        language: this.language,
        initialStates: { viewers: warm.workspace.viewers, actors: warm.workspace.actors },
        sampleSize: input.sampleSize,
      });
      await events.streamRange(from, to, filter, (event) => backtest.push(event));
      const result = backtest.finish();
      const sampleEvents = await this.sampleEvents(events, result);
      return {
        ...result,
        rule: { ruleId, draftVersion: def.version, comparedWithVersion: baseline?.version ?? null },
        range: { from: from.toISOString(), to: to.toISOString() },
        warmUp: {
          events: warm.events,
          viewers: warm.workspace.viewers.size,
          semantics:
            'state as of each event: viewers with an event of the rule in the range are replayed from their first stored event, actor windows from one hour before the range; only events that trigger the rule or change the state it reads are replayed',
        },
        eventsReplayedFilter: filter
          ? {
              types: [...filter.types].sort(),
              gpcSignals: filter.gpcSignals,
              subdivisionSignals: filter.subdivisionSignals,
            }
          : 'all',
        sampleEvents,
      };
    });
  }

  /**
   * State at `from`: every earlier relevant event of the viewers that trigger a rule in the range, and
   * every relevant event of the hour before `from` (actor windows), applied in time order without
   * evaluating anything.
   */
  private async warmUp(
    events: EventReplayRepository,
    from: Date,
    to: Date,
    filter: ReplayFilter | null,
    triggers: string[],
  ): Promise<{ workspace: StateWorkspace; events: number }> {
    const workspace = new StateWorkspace();
    if (!(await events.anyBefore(from))) return { workspace, events: 0 };
    const errors: RuleEvaluationError[] = [];
    const reference = this.language.reference!;
    let count = 0;
    await events.streamWarmUp(
      { from, to, everyoneSince: new Date(from.getTime() - ACTOR_ACCESS_HORIZON_MS), triggers },
      filter,
      (event) => {
        count++;
        evaluateEventInto(event, workspace, reference, NO_RULES, () => undefined, errors);
      },
    );
    return { workspace, events: count };
  }

  private sampleEvents(events: EventReplayRepository, result: BacktestResult): Promise<SampleEvent[]> {
    const ids = new Set<string>();
    for (const f of [
      ...result.draft.samples,
      ...result.diff.appearedSamples,
      ...result.diff.disappearedSamples,
    ]) {
      if (f.eventId) ids.add(f.eventId);
    }
    return events.samples([...ids]);
  }
}
