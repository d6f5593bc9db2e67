import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { LiveRollupCounts } from '../analytics/rollups/live-rollup-counts';
import type { Sql } from '../database/sql';
import { Transactions } from '../database/transactions';
import { MlFeedback } from '../ml/models/training-labels';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { CaseAction, transition } from './domain/case-workflow';
import { ViolationsRepository, ViolationFilter, ViolationView } from './persistence/violations.repository';

const FINDINGS_SHOWN = 50;

/**
 * The case workflow on violations. Every change is one transaction holding the row lock: the status
 * change, its violation_history entry and its audit entry commit together or not at all.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly cases: ViolationsRepository,
    private readonly audit: AuditLog,
    private readonly rollupCounts: LiveRollupCounts,
    private readonly mlFeedback: MlFeedback,
  ) {}

  async list(filter: ViolationFilter) {
    const rows = await this.cases.list({ ...filter, limit: filter.limit + 1 });
    return {
      items: rows.slice(0, filter.limit),
      limit: filter.limit,
      offset: filter.offset,
      hasMore: rows.length > filter.limit,
    };
  }

  /** One case with what an investigation needs. The read exposes a viewer's events, so it is audited. */
  async get(id: string, ctx: RequestContext) {
    const violation = await this.cases.find(id);
    if (!violation) throw new NotFoundException(`no violation ${id}`);
    const [evidenceEvents, history, findings, alerts] = await Promise.all([
      this.cases.evidenceEvents(violation.evidenceEventIds),
      this.cases.history(id),
      this.cases.findings(id, FINDINGS_SHOWN),
      this.cases.alerts(id),
    ]);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'violation.viewed',
      targetType: 'violation',
      targetId: id,
      details: { userId: violation.userId },
    });
    return { ...violation, evidenceEvents, history, findings, alerts };
  }

  async assign(id: string, userId: string, ctx: RequestContext): Promise<ViolationView> {
    if (!(await this.cases.canBeAssigned(userId))) {
      throw new BadRequestException(
        `user ${userId} does not exist, is disabled, or holds neither compliance_officer nor admin`,
      );
    }
    return this.change(id, 'assign', ctx, async (tx, before) => {
      await this.cases.assign(tx, id, userId);
      return { comment: null, details: { from: before.assignedTo, to: userId } };
    });
  }

  acknowledge(id: string, ctx: RequestContext): Promise<ViolationView> {
    return this.change(id, 'acknowledge', ctx, async () => ({ comment: null, details: {} }));
  }

  resolve(id: string, note: string | undefined, ctx: RequestContext): Promise<ViolationView> {
    return this.change(id, 'resolve', ctx, async (tx, before) => {
      await this.rollupCounts.violationResolved(tx, before);
      return { comment: note ?? null, details: {} };
    });
  }

  /** Closes the case as a false positive and feeds the verdict back to the ML evaluation data. */
  markFalsePositive(id: string, reason: string, ctx: RequestContext): Promise<ViolationView> {
    return this.change(id, 'false_positive', ctx, async (tx, before) => {
      // A label is about a viewer; a case without one has nothing to teach the model.
      if (before.userId !== null) {
        await this.mlFeedback.recordCaseVerdict(tx, {
          userId: before.userId,
          violationId: before.id,
          label: 'false_positive',
        });
      }
      return { comment: reason, details: {} };
    });
  }

  comment(id: string, text: string, ctx: RequestContext): Promise<ViolationView> {
    return this.change(id, 'comment', ctx, async () => ({ comment: text, details: {} }));
  }

  private async change(
    id: string,
    action: CaseAction,
    ctx: RequestContext,
    work: (
      tx: Sql,
      before: ViolationView,
    ) => Promise<{ comment: string | null; details: Record<string, unknown> }>,
  ): Promise<ViolationView> {
    return this.transactions.run(async (tx) => {
      const before = await this.cases.find(id, tx, true);
      if (!before) throw new NotFoundException(`no violation ${id}`);
      const outcome = transition(before.status, action);
      if (!outcome.ok) throw new ConflictException(outcome.reason);
      const actorUserId = ctx.principal?.userId ?? null;
      const { comment, details } = await work(tx, before);
      if (outcome.to !== before.status) await this.cases.setStatus(tx, id, outcome.to, actorUserId, comment);
      const statusChanged = outcome.to !== before.status;
      await this.cases.addHistory(tx, id, {
        actor: actorUserId ? `user:${actorUserId}` : 'system',
        action,
        from: statusChanged ? before.status : null,
        to: statusChanged ? outcome.to : null,
        comment,
        details,
      });
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: `violation.${action}`,
          targetType: 'violation',
          targetId: id,
          details: { from: before.status, to: outcome.to, ...(comment ? { comment } : {}), ...details },
        },
        tx,
      );
      const after = await this.cases.find(id, tx);
      return after as ViolationView;
    });
  }
}
