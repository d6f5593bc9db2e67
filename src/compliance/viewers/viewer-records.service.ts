import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { computeDueDetail, DSR_CALENDARS, type DsrCalendar } from '../domain/deadlines';
import { ConsentsRepository } from '../persistence/consents.repository';
import { DsarRequestsRepository, type DsarRequestRow } from '../persistence/dsar-requests.repository';

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
    private readonly consentLedger: ConsentsRepository,
    private readonly dsarRequests: DsarRequestsRepository,
    private readonly audit: AuditLog,
  ) {}

  async consents(userId: string, limit: number, offset: number, ctx: RequestContext) {
    const [current, history, total] = await Promise.all([
      this.consentLedger.currentByPurpose(userId),
      this.consentLedger.history(userId, limit, offset),
      this.consentLedger.count(userId),
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
      current,
      history,
      total,
      limit,
      offset,
    };
  }

  async requests(userId: string, status: 'open' | 'all', ctx: RequestContext, now = new Date()) {
    const rows = await this.dsarRequests.forViewer(userId, status === 'open');
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

function requestEntry(r: DsarRequestRow, now: Date): RequestEntry {
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
