/**
 * Legal holds: data that must be kept although a retention period or an erasure request says delete
 * it (litigation, a regulator's or court's order, GDPR Art. 17(3)(b)/(e), CCPA §1798.105(d)). A hold
 * names a viewer (all their data) or one record of a viewer: a data category (`data_category`) or a
 * data-subject request (`dsr_request`).
 *
 * While a hold is active:
 * - retention: the held viewer's categories (or the held category) are not judged by `schedule.retention`
 *   rules at all (item.legalHold is true and the anchor is skipped), so no deletion-overdue finding is raised;
 * - erasure deadlines: `schedule.dsr_deadline` findings (overdue and due-soon) are not raised for the held
 *   viewer's erasure requests (or the held request). The hold register, audited, is the record of why.
 * The request's due date is not moved: a hold suspends the findings, not the clock. When the hold is
 * released or reaches its end date, the next scheduled run judges the data and the requests as if the
 * hold had never been — an erasure request already past its due date is reported overdue at once, and
 * retention counts from the same anchor as before.
 */
export const HOLD_RECORD_TYPES = ['data_category', 'dsr_request'] as const;
export type HoldRecordType = (typeof HOLD_RECORD_TYPES)[number];

export interface LegalHold {
  id: string;
  userId: string;
  /** null: the hold covers all of the viewer's data */
  recordType: HoldRecordType | null;
  recordId: string | null;
  reason: string;
  createdAt: number;
  /** planned end; null: until released */
  endsAt: number | null;
  releasedAt: number | null;
}

export function holdActiveAt(hold: Pick<LegalHold, 'createdAt' | 'endsAt' | 'releasedAt'>, at: number): boolean {
  return (
    hold.createdAt <= at && (hold.endsAt === null || hold.endsAt > at) && (hold.releasedAt === null || hold.releasedAt > at)
  );
}

export type HoldStatus = 'active' | 'released' | 'ended';

export function holdStatus(hold: Pick<LegalHold, 'endsAt' | 'releasedAt'>, at: number): HoldStatus {
  if (hold.releasedAt !== null && hold.releasedAt <= at) return 'released';
  if (hold.endsAt !== null && hold.endsAt <= at) return 'ended';
  return 'active';
}

/** The holds active at one instant, asked per viewer and record by the scheduled checks. */
export class HoldIndex {
  private readonly viewers = new Set<string>();
  private readonly records = new Set<string>();

  constructor(holds: readonly LegalHold[], at: number) {
    for (const h of holds) {
      if (!holdActiveAt(h, at)) continue;
      if (h.recordType === null) this.viewers.add(h.userId);
      else this.records.add(recordKey(h.userId, h.recordType, h.recordId ?? ''));
    }
  }

  /** A category of a viewer's data is kept: the viewer or that category is held. */
  keepsCategory(userId: string, category: string): boolean {
    return this.viewers.has(userId) || this.records.has(recordKey(userId, 'data_category', category));
  }

  /** An erasure request's deadline findings are suspended: the viewer or that request is held. */
  suspendsErasure(userId: string, requestId: string): boolean {
    return this.viewers.has(userId) || this.records.has(recordKey(userId, 'dsr_request', requestId));
  }

  get size(): number {
    return this.viewers.size + this.records.size;
  }
}

function recordKey(userId: string, type: HoldRecordType, id: string): string {
  return JSON.stringify([userId, type, id]);
}
