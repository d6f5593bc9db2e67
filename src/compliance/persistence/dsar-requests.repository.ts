import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';

/** A stored data-subject request, as the table has it (dates recomputed by the caller). */
export interface DsarRequestRow {
  request_id: string;
  user_id: string;
  type: string;
  jurisdiction: string;
  calendar: string;
  opened_at: Date;
  due_at: Date;
  extension_notified_at: Date | null;
  pauses: Array<{ from: string; to: string | null; reason: string | null }>;
  completed_at: Date | null;
  refused_at: Date | null;
  status: string;
  overdue_flagged_at: Date | null;
  opened_event_id: string;
}

/**
 * dsar_requests outside the stage: a viewer's requests for the API, and the overdue flag the deadline
 * check sets. The compliance stage writes the requests themselves with its batch (set-based, in
 * ComplianceStateStore); analytics counts them through its rollup queries.
 */
@Injectable()
export class DsarRequestsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A viewer's requests, newest first; `openOnly`: those still running (open or paused). */
  forViewer(userId: string, openOnly: boolean, sql: Sql = this.dataSource): Promise<DsarRequestRow[]> {
    return sql.query(
      `SELECT * FROM dsar_requests WHERE user_id = $1 ${openOnly ? `AND status IN ('open', 'paused')` : ''}
        ORDER BY opened_at DESC`,
      [userId],
    );
  }

  /**
   * Marks these requests overdue as of `now`: only the ones not flagged yet and due before `now`, so a
   * repeated tick keeps the first flag time.
   */
  async flagOverdue(requestIds: readonly string[], now: Date, sql: Sql = this.dataSource): Promise<void> {
    if (requestIds.length === 0) return;
    await sql.query(
      `UPDATE dsar_requests SET overdue_flagged_at = $2
        WHERE request_id = ANY($1::text[]) AND overdue_flagged_at IS NULL AND due_at < $2`,
      [requestIds, now.toISOString()],
    );
  }
}
