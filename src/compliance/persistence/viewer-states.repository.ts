import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { ViewerState } from '../domain/viewer-state';
import { parseViewerState } from './state-codec';

/** One page entry: a viewer and its stored state (null when no batch has written the viewer yet). */
export interface StoredViewerState {
  userId: string;
  state: ViewerState | null;
}

/**
 * compliance_viewer_state read whole (through its compliance_viewer_state_json view), a keyset page at
 * a time, for the time-driven checks. The stage reads and writes the rows section by section with its
 * batch (ComplianceStateStore); nothing here writes.
 */
@Injectable()
export class ViewerStatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Viewers with an open or paused data-subject request, after `after` by user id. */
  withOpenRequests(after: string, limit: number, sql: Sql = this.dataSource): Promise<StoredViewerState[]> {
    return this.page(
      sql,
      `SELECT d.user_id, s.state
         FROM (SELECT DISTINCT user_id FROM dsar_requests
                WHERE status IN ('open', 'paused') AND user_id > $1 ORDER BY user_id LIMIT $2) d
         LEFT JOIN compliance_viewer_state_json s ON s.user_id = d.user_id
        ORDER BY d.user_id`,
      after,
      limit,
    );
  }

  /** Viewers whose state holds a breach (the platform subject, in practice). */
  withBreaches(after: string, limit: number, sql: Sql = this.dataSource): Promise<StoredViewerState[]> {
    return this.page(
      sql,
      `SELECT user_id, state FROM compliance_viewer_state_json WHERE has_breaches AND user_id > $1 ORDER BY user_id LIMIT $2`,
      after,
      limit,
    );
  }

  /** Every viewer a batch has written. */
  written(after: string, limit: number, sql: Sql = this.dataSource): Promise<StoredViewerState[]> {
    return this.page(
      sql,
      `SELECT user_id, state FROM compliance_viewer_state_json
        WHERE as_of IS NOT NULL AND user_id > $1 ORDER BY user_id LIMIT $2`,
      after,
      limit,
    );
  }

  private async page(sql: Sql, text: string, after: string, limit: number): Promise<StoredViewerState[]> {
    const rows: { user_id: string; state: unknown }[] = await sql.query(text, [after, limit]);
    return rows.map((r) => ({
      userId: r.user_id,
      state: r.state === null ? null : parseViewerState(r.user_id, r.state),
    }));
  }
}
