import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import type { ComplianceEvent } from '../domain/compliance-event';
import type { StoredFindingRef } from '../domain/late-events';
import type { ReplayFilter } from '../domain/replay-relevance';
import { STORED_EVENT_COLUMNS, toComplianceEvent, type StoredEventRow } from './stored-events';

/**
 * The reads and marks of the late-event re-evaluation (domain/late-events.ts), in the stage's
 * transaction: one viewer's stored events, the findings of a window, and the superseded mark.
 */
@Injectable()
export class LateEventsRepository {
  /**
   * The viewer's stored events a replay needs, in event-time order; at most `limit` (the caller asks
   * for one more than it will replay, to know a viewer is too long to replay). The type filter is a
   * hint: events carrying a GPC signal or a subdivision are read whatever their type when the filter
   * asks for them (they live in `data`, see stored-events.ts), and a null filter reads every event.
   */
  async viewerEvents(
    tx: Sql,
    userId: string,
    filter: ReplayFilter | null,
    limit: number,
  ): Promise<ComplianceEvent[]> {
    const rows: StoredEventRow[] = await tx.query(
      `SELECT ${STORED_EVENT_COLUMNS} FROM processed_events p
        WHERE p.user_id = $1
          AND ($2::text[] IS NULL OR p.type = ANY($2::text[])
               OR ($3 AND p.data ? 'gpc') OR ($4 AND p.data ? 'subdivision'))
        ORDER BY p.occurred_at, p.event_id
        LIMIT $5`,
      [
        userId,
        filter === null ? null : [...filter.types],
        filter?.gpcSignals ?? false,
        filter?.subdivisionSignals ?? false,
        limit,
      ],
    );
    return rows.map(toComplianceEvent);
  }

  /** The viewer's event findings of these rules for events at or after `from`. */
  async windowFindings(
    tx: Sql,
    userId: string,
    ruleIds: readonly string[],
    from: Date,
  ): Promise<StoredFindingRef[]> {
    if (ruleIds.length === 0) return [];
    const rows: { dedup_key: string; rule_id: string; event_id: string; superseded: boolean }[] =
      await tx.query(
        `SELECT dedup_key, rule_id, event_id, superseded_at IS NOT NULL AS superseded FROM findings
        WHERE user_id = $1 AND kind = 'compliance' AND event_id IS NOT NULL
          AND rule_id = ANY($2::text[]) AND occurred_at >= $3`,
        [userId, ruleIds, from.toISOString()],
      );
    return rows.map((r) => ({
      dedupKey: r.dedup_key,
      ruleId: r.rule_id,
      eventId: r.event_id,
      superseded: r.superseded,
    }));
  }

  async supersede(tx: Sql, dedupKeys: readonly string[], byEventId: string): Promise<number> {
    if (dedupKeys.length === 0) return 0;
    const rows: unknown[] = await tx.query(
      `UPDATE findings SET superseded_at = now(), superseded_by = $2
        WHERE dedup_key = ANY($1::text[]) AND superseded_at IS NULL RETURNING 1`,
      [dedupKeys, byEventId],
    );
    return rows.length;
  }

  async restore(tx: Sql, dedupKeys: readonly string[]): Promise<void> {
    if (dedupKeys.length === 0) return;
    await tx.query(
      `UPDATE findings SET superseded_at = NULL, superseded_by = NULL WHERE dedup_key = ANY($1::text[])`,
      [dedupKeys],
    );
  }
}
