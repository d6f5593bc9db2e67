/**
 * Back-testing a rule draft against stored events, without changing anything: one read-only
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
import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import { validationException } from '../../common/http/validation';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, type RequestContext } from '../../security/principal';
import { RuleBacktest, type BacktestResult } from '../domain/backtest';
import { evaluateEventInto, StateWorkspace } from '../domain/compliance-evaluator';
import type { ComplianceEvent } from '../domain/compliance-event';
import type { RuleDefinition } from '../domain/rule';
import type { RuleEvaluationError } from '../domain/rule-set';
import { ACTOR_ACCESS_HORIZON_MS } from '../domain/viewer-state';
import { replayEventTypes, type ReplayFilter } from '../domain/replay-relevance';
import {
  STORED_EVENT_COLUMNS,
  STORED_EVENT_JSON,
  tupleToComplianceEvent,
  type StoredEventRow,
  type StoredEventTuple,
} from '../persistence/stored-events';
import { ActiveRules } from '../rules/active-rules';
import { RuleStore } from '../rules/rule-store';
import { ruleValidationException } from '../rules/rules.service';

const FETCH_ROWS = 10000;
const MAX_RANGE_DAYS = 400;
const NO_RULES = { before: [], after: [] };

export interface BacktestRequest {
  draft: Record<string, unknown>;
  from: Date;
  to: Date;
  sampleSize?: number;
}

export interface SampleEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  userId: string | null;
  actorType: string;
  actorId: string | null;
  country: string | null;
  data: Record<string, unknown>;
}

export interface BacktestReport extends BacktestResult {
  rule: { ruleId: string; draftVersion: number; comparedWithVersion: number | null };
  range: { from: string; to: string };
  warmUp: { events: number; viewers: number; semantics: string };
  /** The stored events behind the sampled findings. */
  sampleEvents: SampleEvent[];
  /**
   * Events read: the triggers and the types that write the state the rules read, plus any event carrying
   * a GPC signal when the rules read it ('all' when every event matters).
   */
  eventsReplayedFilter: { types: string[]; gpcSignals: boolean } | 'all';
}

@Injectable()
export class BacktestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: ActiveRules,
    private readonly store: RuleStore,
    private readonly audit?: AuditLog,
  ) {}

  /**
   * Runs a back-test. With a request context the run is audited (it returns sample events of several
   * viewers); nothing else is written.
   */
  async run(request: BacktestRequest, ctx?: RequestContext): Promise<BacktestReport> {
    const { from, to } = request;
    if (!(from.getTime() < to.getTime())) {
      throw validationException([{ field: 'to', problems: ['to must be after from'] }]);
    }
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw validationException([
        { field: 'to', problems: [`the range may span at most ${MAX_RANGE_DAYS} days`] },
      ]);
    }
    await this.rules.ensureSeeded();
    const ruleId = String(request.draft.id);
    const current = await this.store.current(ruleId);
    const draft = { ...request.draft, version: current ? current.definition.version + 1 : 1 };
    const checked = this.rules.language.validate(draft);
    if (!checked.ok) throw ruleValidationException(checked.errors, 'draft.');
    const def = draft as unknown as RuleDefinition;
    const compiled = this.rules.compile(def);
    if (compiled.kind !== 'event') {
      throw validationException([
        {
          field: 'draft.triggers',
          problems: [
            'back-testing replays stored events; a schedule.* rule is judged by the schedulers, not by events',
          ],
        },
      ]);
    }
    // A current version that is a scheduled rule cannot be compared event by event.
    const currentCompiled = current ? this.rules.compile(current.definition) : null;
    const baseline = currentCompiled?.kind === 'event' ? current!.definition : null;
    // Only the events that trigger either version or change the state they read (null: all of them).
    const filter = replayEventTypes(
      currentCompiled?.kind === 'event' ? [compiled, currentCompiled] : [compiled],
    );
    const triggers = [...new Set([...def.triggers, ...(baseline?.triggers ?? [])])];

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await runner.query(`SET LOCAL statement_timeout = '120s'`);
      const warm = await this.warmUp(runner, from, to, filter, triggers);
      const backtest = new RuleBacktest({
        draft: def,
        current: baseline,
        language: this.rules.language,
        initialStates: { viewers: warm.workspace.viewers, actors: warm.workspace.actors },
        sampleSize: request.sampleSize,
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
      if (ctx && this.audit) {
        await this.audit.append({
          ...auditActor(ctx),
          action: 'compliance.rule.backtested',
          targetType: 'compliance_rule',
          targetId: ruleId,
          details: {
            draftVersion: def.version,
            comparedWithVersion: baseline?.version ?? null,
            from: from.toISOString(),
            to: to.toISOString(),
            eventsReplayed: result.eventsReplayed,
            sampleEvents: sampleEvents.length,
          },
        });
      }
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
          ? { types: [...filter.types].sort(), gpcSignals: filter.gpcSignals }
          : 'all',
        sampleEvents,
      };
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * State at `from`: every earlier relevant event of the viewers that trigger a rule in the range, and
   * every relevant event of the hour before `from` (actor windows), applied in time order without
   * evaluating anything.
   */
  private async warmUp(
    runner: QueryRunner,
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
    const reference = this.rules.language.reference!;
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
    runner: QueryRunner,
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

  private async sampleEvents(runner: QueryRunner, result: BacktestResult): Promise<SampleEvent[]> {
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

/** The SQL form of a replay filter, its type list bound as parameter $n. */
function replayCondition(filter: ReplayFilter | null, n: number): string {
  if (!filter) return '';
  // Reception stores the Sec-GPC signal as data.gpc.
  return filter.gpcSignals
    ? `AND (p.type = ANY($${n}::text[]) OR p.data ? 'gpc')`
    : `AND p.type = ANY($${n}::text[])`;
}
