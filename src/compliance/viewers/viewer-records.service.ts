import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { computeDueDetail, DSR_CALENDARS, type DsrCalendar } from '../domain/deadlines';

export interface ConsentEntry {
  eventId: string;
  purpose: string;
  state: 'granted' | 'withdrawn';
  basis: string;
  noticeVersion: string | null;
  separateForm: boolean;
  explicit: boolean;
  expiresAt: Date | null;
  occurredAt: Date;
  recordedAt: Date;
}

export interface RequestEntry {
  requestId: string;
  type: string;
  jurisdiction: string;
  calendar: string;
  status: string;
  openedAt: Date;
  /** Recomputed now (a paused UK request's clock is stopped until it resumes). */
  dueAt: Date;
  firstDueAt: Date;
  extended: boolean;
  extensionNotifiedAt: Date | null;
  pauses: Array<{ from: string; to: string | null; reason: string | null }>;
  pausedMs: number;
  completedAt: Date | null;
  refusedAt: Date | null;
  overdue: boolean;
  overdueFlaggedAt: Date | null;
  openedEventId: string;
}

/** One viewer's consent ledger and data-subject requests. Every read is audited. */
@Injectable()
export class ViewerRecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async consents(userId: string, limit: number, offset: number, ctx: RequestContext) {
    const [current, history, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT DISTINCT ON (purpose) ${CONSENT_COLUMNS} FROM consents WHERE user_id = $1
          ORDER BY purpose, occurred_at DESC, recorded_at DESC`,
        [userId],
      ),
      this.dataSource.query(
        `SELECT ${CONSENT_COLUMNS} FROM consents WHERE user_id = $1 ORDER BY occurred_at DESC, event_id LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ),
      this.dataSource.query(`SELECT count(*)::int AS total FROM consents WHERE user_id = $1`, [userId]),
    ]);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'compliance.viewer.read',
      targetType: 'viewer',
      targetId: userId,
      details: { view: 'consents', limit, offset },
    });
    return {
      userId,
      current: current as ConsentEntry[],
      history: history as ConsentEntry[],
      total,
      limit,
      offset,
    };
  }

  async requests(userId: string, status: 'open' | 'all', ctx: RequestContext, now = new Date()) {
    const rows: RequestRow[] = await this.dataSource.query(
      `SELECT * FROM dsar_requests WHERE user_id = $1 ${status === 'open' ? `AND status IN ('open', 'paused')` : ''}
        ORDER BY opened_at DESC`,
      [userId],
    );
    await this.audit.append({
      ...auditActor(ctx),
      action: 'compliance.viewer.read',
      targetType: 'viewer',
      targetId: userId,
      details: { view: 'requests', status },
    });
    return { userId, asOf: now.toISOString(), requests: rows.map((r) => requestEntry(r, now)) };
  }
}

const CONSENT_COLUMNS = `event_id AS "eventId", purpose, state, basis, notice_version AS "noticeVersion",
  separate_form AS "separateForm", explicit, expires_at AS "expiresAt", occurred_at AS "occurredAt", recorded_at AS "recordedAt"`;

interface RequestRow {
  request_id: string;
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

function requestEntry(r: RequestRow, now: Date): RequestEntry {
  const known = (DSR_CALENDARS as readonly string[]).includes(r.calendar);
  const detail = known
    ? computeDueDetail(
        {
          openedAt: r.opened_at,
          extension: r.extension_notified_at ? { notifiedAt: r.extension_notified_at } : null,
          pauses: r.pauses.map((p) => ({
            from: new Date(p.from),
            to: p.to === null ? null : new Date(p.to),
          })),
        },
        r.calendar as DsrCalendar,
        now,
      )
    : { due: r.due_at, firstDue: r.due_at, extended: false, pausedMs: 0 };
  const open = r.status === 'open' || r.status === 'paused';
  return {
    requestId: r.request_id,
    type: r.type,
    jurisdiction: r.jurisdiction,
    calendar: r.calendar,
    status: r.status,
    openedAt: r.opened_at,
    dueAt: detail.due,
    firstDueAt: detail.firstDue,
    extended: detail.extended,
    extensionNotifiedAt: r.extension_notified_at,
    pauses: r.pauses,
    pausedMs: detail.pausedMs,
    completedAt: r.completed_at,
    refusedAt: r.refused_at,
    overdue: open && now.getTime() > detail.due.getTime(),
    overdueFlaggedAt: r.overdue_flagged_at,
    openedEventId: r.opened_event_id,
  };
}
