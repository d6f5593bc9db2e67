import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type {
  EventTypeCount,
  ReportConsent,
  ReportEvent,
  ReportRequest,
  ViewerReport,
} from '../domain/viewer-report';
import type { ViewerState } from '../domain/viewer-state';
import { parseViewerState } from './state-codec';

/** Event types the report reads one by one (the rest it only counts per type). */
const LISTED_TYPES = ['data.shared', 'data.exported', 'data.accessed', 'data.deleted'];
/** A viewer with more listed events than this gets the newest ones (the counts stay complete). */
export const LISTED_EVENTS_LIMIT = 5000;

/**
 * The reads of the per-viewer report (one viewer's events, consent ledger, requests and compliance
 * state), and dsr_access_reports: the copy of the report handed over with a completed access request.
 */
@Injectable()
export class ViewerReportRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Events per type, counted up to `asOf` when given (an access request's copy counts what existed then). */
  async eventCounts(userId: string, asOf: Date | null = null): Promise<EventTypeCount[]> {
    const rows: { type: string; events: number; first_at: Date; last_at: Date }[] =
      await this.dataSource.query(
        `SELECT type, count(*)::int AS events, min(occurred_at) AS first_at, max(occurred_at) AS last_at
         FROM processed_events WHERE user_id = $1 AND ($2::timestamptz IS NULL OR occurred_at <= $2::timestamptz)
         GROUP BY type`,
        [userId, asOf === null ? null : asOf.toISOString()],
      );
    return rows.map((r) => ({
      type: r.type,
      events: r.events,
      firstAt: r.first_at.getTime(),
      lastAt: r.last_at.getTime(),
    }));
  }

  /** Disclosures, accesses and deletions of the viewer's data, newest first up to the limit. */
  async listedEvents(userId: string, limit = LISTED_EVENTS_LIMIT): Promise<ReportEvent[]> {
    const rows: {
      event_id: string;
      type: string;
      occurred_at: Date;
      actor_type: string;
      actor_id: string | null;
      data: Record<string, unknown> | null;
    }[] = await this.dataSource.query(
      `SELECT event_id, type, occurred_at, actor_type, actor_id, data FROM processed_events
        WHERE user_id = $1 AND type = ANY($2::text[]) ORDER BY occurred_at DESC, event_id LIMIT $3`,
      [userId, LISTED_TYPES, limit],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      type: r.type,
      occurredAt: r.occurred_at.getTime(),
      actorType: r.actor_type,
      actorId: r.actor_id,
      data: r.data ?? {},
    }));
  }

  async consents(userId: string): Promise<ReportConsent[]> {
    const rows: {
      event_id: string;
      purpose: string;
      state: 'granted' | 'withdrawn';
      basis: string;
      notice_version: string | null;
      explicit: boolean;
      separate_form: boolean;
      expires_at: Date | null;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `SELECT event_id, purpose, state, basis, notice_version, explicit, separate_form, expires_at, occurred_at
         FROM consents WHERE user_id = $1 ORDER BY occurred_at, recorded_at, event_id`,
      [userId],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      purpose: r.purpose,
      state: r.state,
      basis: r.basis,
      noticeVersion: r.notice_version,
      explicit: r.explicit,
      separateForm: r.separate_form,
      expiresAt: r.expires_at ? r.expires_at.getTime() : null,
      occurredAt: r.occurred_at.getTime(),
    }));
  }

  async requests(userId: string): Promise<ReportRequest[]> {
    const rows: {
      request_id: string;
      type: string;
      jurisdiction: string;
      calendar: string;
      status: string;
      opened_at: Date;
      due_at: Date;
      extension_notified_at: Date | null;
      completed_at: Date | null;
      refused_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT request_id, type, jurisdiction, calendar, status, opened_at, due_at, extension_notified_at,
              completed_at, refused_at
         FROM dsar_requests WHERE user_id = $1 ORDER BY opened_at, request_id`,
      [userId],
    );
    return rows.map((r) => ({
      requestId: r.request_id,
      type: r.type,
      jurisdiction: r.jurisdiction,
      calendar: r.calendar,
      status: r.status,
      openedAt: r.opened_at.getTime(),
      dueAt: r.due_at.getTime(),
      extended: r.extension_notified_at !== null,
      completedAt: r.completed_at ? r.completed_at.getTime() : null,
      refusedAt: r.refused_at ? r.refused_at.getTime() : null,
    }));
  }

  /** The viewer's compliance state (held categories, profile), or null for a viewer never evaluated. */
  async viewerState(userId: string): Promise<ViewerState | null> {
    const [row]: { state: unknown }[] = await this.dataSource.query(
      `SELECT state FROM compliance_viewer_state_json WHERE user_id = $1 AND state IS NOT NULL`,
      [userId],
    );
    return row ? parseViewerState(userId, row.state) : null;
  }

  async ruleRevision(): Promise<number> {
    const [row]: { revision: number | null }[] = await this.dataSource.query(
      `SELECT revision FROM compliance_rule_revision`,
    );
    return Number(row?.revision ?? 0);
  }

  /** A completed access request of this viewer: its type and completion time, or null. */
  async request(userId: string, requestId: string): Promise<ReportRequest | null> {
    return (await this.requests(userId)).find((r) => r.requestId === requestId) ?? null;
  }

  async storedAccessReport(requestId: string): Promise<ViewerReport | null> {
    const [row]: { report: ViewerReport }[] = await this.dataSource.query(
      `SELECT report FROM dsr_access_reports WHERE request_id = $1`,
      [requestId],
    );
    return row?.report ?? null;
  }

  /**
   * Keeps the first copy: two readers building it at once both insert, the second is ignored and both
   * return the stored one, so every reader sees the same report.
   */
  async storeAccessReport(
    requestId: string,
    userId: string,
    asOf: Date,
    report: ViewerReport,
  ): Promise<ViewerReport> {
    const [row]: { report: ViewerReport }[] = await this.dataSource.query(
      `WITH ins AS (
              INSERT INTO dsr_access_reports (request_id, user_id, as_of, report) VALUES ($1, $2, $3, $4::jsonb)
              ON CONFLICT (request_id) DO NOTHING RETURNING report)
       SELECT report FROM ins UNION ALL SELECT report FROM dsr_access_reports WHERE request_id = $1 LIMIT 1`,
      [requestId, userId, asOf.toISOString(), JSON.stringify(report)],
    );
    return row.report;
  }
}
