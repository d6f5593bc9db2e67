/**
 * Back-testing a rule draft against stored events, without changing anything. Runs in a worker thread
 * with a time and memory budget (backtest-thread.ts), never in the API process: plain code over one
 * database connection, no Nest. One read-only
 * REPEATABLE READ transaction (a consistent snapshot; PostgreSQL refuses any write in it) streams
 * processed_events through server-side cursors, in occurred_at order, into the domain's RuleBacktest.
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
import type { ComplianceEvent } from '../domain/compliance-event';
import type { RuleLanguage } from '../domain/rule-language';
import type { RuleEvaluationError } from '../domain/rule-set';
import { ACTOR_ACCESS_HORIZON_MS } from '../domain/viewer-state';
import { replayEventTypes, type ReplayFilter } from '../domain/replay-relevance';
import {
  replayCondition,
  STORED_EVENT_COLUMNS,
  STORED_EVENT_JSON,
  tupleToComplianceEvent,
  type StoredEventRow,
  type StoredEventTuple,
} from '../persistence/stored-events';

const FETCH_ROWS = 10000;
const NO_RULES = { before: [], after: [] };

/** One connection's query function (a pg client, or a TypeORM query runner). */
export interface ReplayConnection {
  query(sql: string, params?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

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

    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await runner.query(`SET LOCAL statement_timeout = '120s'`);
      const warm = await this.warmUp(runner, from, to, filter, triggers);
      const backtest = new RuleBacktest({
        draft: def,
        current: baseline,
        language: this.language,
        initialStates: { viewers: warm.workspace.viewers, actors: warm.workspace.actors },
        sampleSize: input.sampleSize,
      });
      await this.stream(
        runner,
        `SELECT ${STORED_EVENT_JSON} AS e FROM processed_events p
          WHERE p.occurred_at >= $1 AND p.occurred_at < $2 ${replayCondition(filter, 3)}
          ORDER BY p.occurred_at, p.event_id`,
        [from.toISOString(), to.toISOString(), ...(filter ? [[...filter.types]] : [])],
        (event) => backtest.push(event),
      );
      const result = backtest.finish();
      const sampleEvents = await this.sampleEvents(runner, result);
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
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
    }
  }

  /**
   * State at `from`: every earlier relevant event of the viewers that trigger a rule in the range, and
   * every relevant event of the hour before `from` (actor windows), applied in time order without
   * evaluating anything.
   */
  private async warmUp(
    runner: ReplayConnection,
    from: Date,
    to: Date,
    filter: ReplayFilter | null,
    triggers: string[],
  ): Promise<{ workspace: StateWorkspace; events: number }> {
    const workspace = new StateWorkspace();
    const [{ any }] = await runner.query(
      `SELECT EXISTS (SELECT 1 FROM processed_events WHERE occurred_at < $1) AS any`,
      [from.toISOString()],
    );
    if (!any) return { workspace, events: 0 };
    const errors: RuleEvaluationError[] = [];
    const reference = this.language.reference!;
    let events = 0;
    await this.stream(
      runner,
      `SELECT ${STORED_EVENT_JSON} AS e FROM processed_events p
        WHERE p.occurred_at < $1 ${replayCondition(filter, 5)}
          AND (p.occurred_at >= $3
               OR p.user_id IN (SELECT DISTINCT user_id FROM processed_events
                                 WHERE occurred_at >= $1 AND occurred_at < $2 AND type = ANY($4::text[])))
        ORDER BY p.occurred_at, p.event_id`,
      [
        from.toISOString(),
        to.toISOString(),
        new Date(from.getTime() - ACTOR_ACCESS_HORIZON_MS).toISOString(),
        triggers,
        ...(filter ? [[...filter.types]] : []),
      ],
      (event) => {
        events++;
        evaluateEventInto(event, workspace, reference, NO_RULES, () => undefined, errors);
      },
    );
    return { workspace, events };
  }

  /**
   * Streams a query through a server-side cursor, FETCH_ROWS at a time, each row one JSON array (see
   * STORED_EVENT_JSON).
   */
  private async stream(
    runner: ReplayConnection,
    sql: string,
    params: unknown[],
    onEvent: (event: ComplianceEvent) => void,
  ): Promise<void> {
    await runner.query(`DECLARE replay NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = (): Promise<{ e: string }[]> => runner.query(`FETCH ${FETCH_ROWS} FROM replay`);
    // Two pages in flight: the database produces the next ones while this process replays one.
    const pending = [fetch(), fetch()];
    try {
      for (;;) {
        const rows = await pending.shift()!;
        const more = rows.length === FETCH_ROWS;
        if (more) pending.push(fetch());
        for (const row of rows) onEvent(tupleToComplianceEvent(JSON.parse(row.e) as StoredEventTuple));
        if (!more) break;
      }
    } finally {
      await Promise.allSettled(pending);
      await runner.query('CLOSE replay');
    }
  }

  private async sampleEvents(runner: ReplayConnection, result: BacktestResult): Promise<SampleEvent[]> {
    const ids = new Set<string>();
    for (const f of [
      ...result.draft.samples,
      ...result.diff.appearedSamples,
      ...result.diff.disappearedSamples,
    ]) {
      if (f.eventId) ids.add(f.eventId);
    }
    if (ids.size === 0) return [];
    const rows: Array<StoredEventRow & { occurred_at: Date }> = await runner.query(
      `SELECT ${STORED_EVENT_COLUMNS}, p.occurred_at FROM processed_events p WHERE p.event_id = ANY($1::uuid[]) ORDER BY p.occurred_at`,
      [[...ids]],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      type: r.type,
      occurredAt: new Date(r.occurred_at).toISOString(),
      userId: r.user_id,
      actorType: r.actor_type,
      actorId: r.actor_id,
      country: r.country,
      data: r.data ?? {},
    }));
  }
}

