import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InvalidInputError } from '../../common/domain/invalid-input';
import { Transactions } from '../../database/transactions';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { holdStatus, type HoldRecordType, type LegalHold } from '../domain/legal-holds';
import { LegalHoldRow, LegalHoldsRepository } from '../persistence/legal-holds.repository';

export interface LegalHoldView {
  id: string;
  viewerId: string;
  record: { type: HoldRecordType; id: string } | null;
  reason: string;
  status: 'active' | 'released' | 'ended';
  createdBy: string | null;
  createdAt: string;
  endsAt: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
}

/**
 * The legal-hold register. Placing and releasing a hold is audited in the same transaction as the
 * write, so the register and the audit log never disagree. Reading one hold is audited too: it names
 * a viewer under investigation.
 */
@Injectable()
export class LegalHoldsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly holds: LegalHoldsRepository,
    private readonly audit: AuditLog,
  ) {}

  async create(
    input: { viewerId: string; recordType?: HoldRecordType; recordId?: string; reason: string; endsAt?: Date },
    ctx: RequestContext,
    now = new Date(),
  ): Promise<LegalHoldView> {
    if (input.endsAt && input.endsAt.getTime() <= now.getTime()) {
      throw new InvalidInputError([{ field: 'endsAt', problems: ['endsAt must be in the future'] }]);
    }
    const by = actorOf(ctx);
    const hold = await this.transactions.run(async (tx) => {
      const created = await this.holds.insert(tx, {
        userId: input.viewerId,
        recordType: input.recordType ?? null,
        recordId: input.recordId ?? null,
        reason: input.reason,
        endsAt: input.endsAt ?? null,
        createdBy: by,
      });
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'compliance.legal_hold.create',
          targetType: 'viewer',
          targetId: created.userId,
          details: {
            holdId: created.id,
            record: created.recordType ? { type: created.recordType, id: created.recordId } : null,
            reason: created.reason,
            endsAt: created.endsAt === null ? null : new Date(created.endsAt).toISOString(),
          },
        },
        tx,
      );
      return created;
    });
    return view(hold, now);
  }

  async list(
    filter: { viewerId?: string; status: 'active' | 'ended' | 'all' },
    page: { limit: number; offset: number },
    now = new Date(),
  ) {
    const { items, total } = await this.holds.list({ userId: filter.viewerId, status: filter.status }, page);
    return { items: items.map((h) => view(h, now)), page: { ...page, total } };
  }

  async get(id: string, ctx: RequestContext, now = new Date()): Promise<LegalHoldView> {
    const hold = await this.holds.get(id);
    if (!hold) throw new NotFoundException(`no legal hold ${id}`);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'compliance.legal_hold.read',
      targetType: 'viewer',
      targetId: hold.userId,
      details: { holdId: id },
    });
    return view(hold, now);
  }

  /** Ends the hold now. A hold already released or past its end date cannot be released again (409). */
  async release(id: string, ctx: RequestContext): Promise<LegalHoldView> {
    const by = actorOf(ctx);
    const released = await this.transactions.run(async (tx) => {
      const hold = await this.holds.get(id, tx, true);
      if (!hold) throw new NotFoundException(`no legal hold ${id}`);
      const now = await this.holds.transactionTime(tx);
      const status = holdStatus(hold, now.getTime());
      if (status !== 'active') throw new ConflictException(`legal hold ${id} is already ${status}`);
      const done = await this.holds.release(tx, id, by);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'compliance.legal_hold.release',
          targetType: 'viewer',
          targetId: hold.userId,
          details: { holdId: id },
        },
        tx,
      );
      return done;
    });
    return view(released, Date.now());
  }
}

function actorOf(ctx: RequestContext): string | null {
  const actor = auditActor(ctx);
  return actor.actorId ?? null;
}

function view(h: LegalHoldRow, now: Date | number): LegalHoldView {
  const at = typeof now === 'number' ? now : now.getTime();
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: h.id,
    viewerId: h.userId,
    record: h.recordType && h.recordId !== null ? { type: h.recordType, id: h.recordId } : null,
    reason: h.reason,
    status: holdStatus(h as LegalHold, at),
    createdBy: h.createdBy,
    createdAt: new Date(h.createdAt).toISOString(),
    endsAt: iso(h.endsAt),
    releasedAt: iso(h.releasedAt),
    releasedBy: h.releasedBy,
  };
}

