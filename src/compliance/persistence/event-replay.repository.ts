/**
 * processed_events as the back-tester reads it: a read-only replay cursor. Ingestion owns the table
 * and writes it; compliance only reads it (the stage a batch at a time, see compliance-state.store.ts;
 * the back-tester a time range at a time, here). Plain code over one database connection, no Nest:
 * the back-test runs in a worker thread (backtest/backtest-thread.ts).
 */
import type { SampleEvent } from '../domain/backtest-run';
import type { ComplianceEvent } from '../domain/compliance-event';
import type { ReplayFilter } from '../domain/replay-relevance';
import {
  replayCondition,
  STORED_EVENT_COLUMNS,
  STORED_EVENT_JSON,
  tupleToComplianceEvent,
  type StoredEventRow,
  type StoredEventTuple,
} from './stored-events';

const FETCH_ROWS = 10000;

/** One connection's query function (a pg client, or a TypeORM query runner). */
export interface ReplayConnection {
  query(sql: string, params?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The warm-up of a replay: what state must be rebuilt before the range starts. */
export interface WarmUpScope {
  /** Start of the range: only earlier events are warm-up. */
  from: Date;
  /** End of the range: viewers with a trigger event in [from, to) are warmed up from their first event. */
  to: Date;
  /** Every relevant event at or after this time (and before `from`) is replayed too: actor windows. */
  everyoneSince: Date;
  /** The event types that trigger the rules compared. */
  triggers: string[];
}

export class EventReplayRepository {
  constructor(private readonly connection: ReplayConnection) {}

  /**
   * Runs `work` inside one read-only REPEATABLE READ transaction: every read sees the same snapshot
   * and PostgreSQL refuses any write. The transaction is always rolled back; a statement running past
   * 120 s is cancelled.
   */
  async inSnapshot<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.connection.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await this.connection.query(`SET LOCAL statement_timeout = '120s'`);
      return await work();
    } finally {
      await this.connection.query('ROLLBACK').catch(() => undefined);
    }
  }

  async anyBefore(at: Date): Promise<boolean> {
    const [{ any }] = await this.connection.query(
      `SELECT EXISTS (SELECT 1 FROM processed_events WHERE occurred_at < $1) AS any`,
      [at.toISOString()],
    );
    return Boolean(any);
  }

  /** The relevant events of [from, to) in occurred_at order (then by event id). */
  streamRange(
    from: Date,
    to: Date,
    filter: ReplayFilter | null,
    onEvent: (event: ComplianceEvent) => void,
  ): Promise<void> {
    return this.stream(
      `SELECT ${STORED_EVENT_JSON} AS e FROM processed_events p
        WHERE p.occurred_at >= $1 AND p.occurred_at < $2 ${replayCondition(filter, 3)}
        ORDER BY p.occurred_at, p.event_id`,
      [from.toISOString(), to.toISOString(), ...(filter ? [[...filter.types]] : [])],
      onEvent,
    );
  }

  /**
   * The relevant events before `scope.from` that rebuild the state at `from`: every earlier event of
   * the viewers with a trigger event in the range, and every event since `scope.everyoneSince`.
   */
  streamWarmUp(
    scope: WarmUpScope,
    filter: ReplayFilter | null,
    onEvent: (event: ComplianceEvent) => void,
  ): Promise<void> {
    return this.stream(
      `SELECT ${STORED_EVENT_JSON} AS e FROM processed_events p
        WHERE p.occurred_at < $1 ${replayCondition(filter, 5)}
          AND (p.occurred_at >= $3
               OR p.user_id IN (SELECT DISTINCT user_id FROM processed_events
                                 WHERE occurred_at >= $1 AND occurred_at < $2 AND type = ANY($4::text[])))
        ORDER BY p.occurred_at, p.event_id`,
      [
        scope.from.toISOString(),
        scope.to.toISOString(),
        scope.everyoneSince.toISOString(),
        scope.triggers,
        ...(filter ? [[...filter.types]] : []),
      ],
      onEvent,
    );
  }

  /** The stored events of these ids, oldest first, as the report shows them. */
  async samples(eventIds: readonly string[]): Promise<SampleEvent[]> {
    if (eventIds.length === 0) return [];
    const rows: Array<StoredEventRow & { occurred_at: Date }> = await this.connection.query(
      `SELECT ${STORED_EVENT_COLUMNS}, p.occurred_at FROM processed_events p WHERE p.event_id = ANY($1::uuid[]) ORDER BY p.occurred_at`,
      [[...eventIds]],
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

  /**
   * Streams a query through a server-side cursor, FETCH_ROWS at a time, each row one JSON array (see
   * STORED_EVENT_JSON). Only inside inSnapshot: a cursor lives in a transaction.
   */
  private async stream(
    sql: string,
    params: unknown[],
    onEvent: (event: ComplianceEvent) => void,
  ): Promise<void> {
    await this.connection.query(`DECLARE replay NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = (): Promise<{ e: string }[]> => this.connection.query(`FETCH ${FETCH_ROWS} FROM replay`);
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
      await this.connection.query('CLOSE replay');
    }
  }
}
