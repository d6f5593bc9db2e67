import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { retentionSchedule } from '../domain/retention-schedule';
import { assembleViewerReport, type ViewerReport } from '../domain/viewer-report';
import { LegalHoldsRepository } from '../persistence/legal-holds.repository';
import { ViewerReportRepository } from '../persistence/viewer-report.repository';
import { ActiveRules } from '../rules/active-rules';

/** Holds listed in a report; a viewer with more is a case for the register's own paged API. */
const HOLDS_LIMIT = 500;

/**
 * The per-viewer report (domain/viewer-report.ts) from the stored rows, and the copy handed over with a
 * completed access request. Every read is audited, including one of a viewer the platform knows nothing
 * about (the question itself is a read of that person's file).
 */
@Injectable()
export class ViewerReportService {
  constructor(
    private readonly rows: ViewerReportRepository,
    private readonly holds: LegalHoldsRepository,
    private readonly rules: ActiveRules,
    private readonly audit: AuditLog,
  ) {}

  async report(
    userId: string,
    options: { requestId?: string; format: string },
    ctx: RequestContext,
  ): Promise<ViewerReport> {
    await this.audit.append({
      ...auditActor(ctx),
      action: 'compliance.viewer.report',
      targetType: 'viewer',
      targetId: userId,
      details: { format: options.format, requestId: options.requestId ?? null },
    });
    if (options.requestId !== undefined) return this.forAccessRequest(userId, options.requestId);
    const report = await this.build(userId, null, new Date());
    if (!report.known) throw new NotFoundException(`nothing is stored about viewer ${userId}`);
    return report;
  }

  /**
   * The report a completed access request carries: cut at the request's completion, built on first read
   * and stored, so every later read (the viewer's copy, an auditor's check) returns what was delivered.
   */
  private async forAccessRequest(userId: string, requestId: string): Promise<ViewerReport> {
    const stored = await this.rows.storedAccessReport(requestId);
    if (stored && stored.userId === userId) return stored;
    const request = await this.rows.request(userId, requestId);
    if (!request) throw new NotFoundException(`viewer ${userId} has no request ${requestId}`);
    if (request.type !== 'access' || request.completedAt === null)
      throw new ConflictException(
        `request ${requestId} is ${request.type === 'access' ? request.status : `a ${request.type} request`}: only a completed access request carries a report`,
      );
    const asOf = new Date(request.completedAt);
    const report = await this.build(userId, asOf, new Date());
    return this.rows.storeAccessReport(requestId, userId, asOf, report);
  }

  private async build(userId: string, asOf: Date | null, now: Date): Promise<ViewerReport> {
    const [counts, events, consents, requests, holds, state, revision] = await Promise.all([
      this.rows.eventCounts(userId, asOf),
      this.rows.listedEvents(userId),
      this.rows.consents(userId),
      this.rows.requests(userId),
      this.holds.list({ userId, status: 'all' }, { limit: HOLDS_LIMIT, offset: 0 }),
      this.rows.viewerState(userId),
      this.rows.ruleRevision(),
    ]);
    const active = await this.rules.get(revision);
    return assembleViewerReport({
      userId,
      generatedAt: now.getTime(),
      asOf: asOf === null ? null : asOf.getTime(),
      counts,
      events,
      consents,
      requests,
      holds: holds.items,
      holdings: state?.holdings ?? {},
      profile: {
        country: state?.profile.country ?? null,
        subdivision: state?.profile.subdivision ?? null,
        closedAt: state?.profile.closedAt ?? null,
      },
      retention: state ? retentionSchedule(state, active.rules) : [],
    });
  }
}
