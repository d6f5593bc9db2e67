import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { HoldRecordType, LegalHold } from '../domain/legal-holds';

export interface LegalHoldRow extends LegalHold {
  createdBy: string | null;
  releasedBy: string | null;
}

export interface NewLegalHold {
  userId: string;
  recordType: HoldRecordType | null;
  recordId: string | null;
  reason: string;
  endsAt: Date | null;
  createdBy: string | null;
}

interface Row {
  id: string;
  user_id: string;
  record_type: HoldRecordType | null;
  record_id: string | null;
  reason: string;
  created_by: string | null;
  created_at: Date;
  ends_at: Date | null;
  released_at: Date | null;
  released_by: string | null;
}

const COLUMNS = `id, user_id, record_type, record_id, reason, created_by, created_at, ends_at, released_at, released_by`;

/** legal_holds: the register. Rows are inserted and released, never deleted. */
@Injectable()
export class LegalHoldsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, hold: NewLegalHold): Promise<LegalHoldRow> {
    const [row]: Row[] = await tx.query(
      `INSERT INTO legal_holds (user_id, record_type, record_id, reason, ends_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [hold.userId, hold.recordType, hold.recordId, hold.reason, hold.endsAt, hold.createdBy],
    );
    return toHold(row);
  }

  async get(id: string, tx?: EntityManager, forUpdate = false): Promise<LegalHoldRow | null> {
    const rows: Row[] = await (tx ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM legal_holds WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toHold(rows[0]) : null;
  }

  /**
   * Newest first. status: active (not released, end date not reached), ended (either), all.
   */
  async list(
    filter: { userId?: string; status: 'active' | 'ended' | 'all' },
    page: { limit: number; offset: number },
  ): Promise<{ items: LegalHoldRow[]; total: number }> {
    const active = `(released_at IS NULL AND (ends_at IS NULL OR ends_at > now()))`;
    const where = [
      `($1::text IS NULL OR user_id = $1)`,
      filter.status === 'active' ? active : filter.status === 'ended' ? `NOT ${active}` : 'true',
    ].join(' AND ');
    const rows: (Row & { total: string })[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM legal_holds WHERE ${where}
        ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [filter.userId ?? null, page.limit, page.offset],
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (rows.length === 0 && page.offset > 0) {
      const [t]: { n: string }[] = await this.dataSource.query(
        `SELECT count(*) AS n FROM legal_holds WHERE ${where}`,
        [filter.userId ?? null],
      );
      total = Number(t.n);
    }
    return { items: rows.map(toHold), total };
  }

  /** The transaction's clock (now()): whether a hold is still active is decided by the database's time. */
  async transactionTime(tx: EntityManager): Promise<Date> {
    const [{ now }]: { now: Date }[] = await tx.query(`SELECT now() AS now`);
    return now;
  }

  async release(tx: EntityManager, id: string, by: string | null): Promise<LegalHoldRow> {
    // As a CTE, so the driver answers with the rows (a bare UPDATE answers [rows, count]).
    const [row]: Row[] = await tx.query(
      `WITH released AS (UPDATE legal_holds SET released_at = now(), released_by = $2 WHERE id = $1 RETURNING ${COLUMNS})
       SELECT ${COLUMNS} FROM released`,
      [id, by],
    );
    return toHold(row);
  }

  /**
   * Holds that may be active at `at` for these viewers (one query per page of the scheduled checks):
   * not released before `at`, begun by it. The caller (HoldIndex) applies the end date.
   */
  async forViewers(userIds: readonly string[], at: Date): Promise<LegalHold[]> {
    if (userIds.length === 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM legal_holds
        WHERE user_id = ANY($1::text[]) AND created_at <= $2 AND (released_at IS NULL OR released_at > $2)`,
      [userIds, at.toISOString()],
    );
    return rows.map(toHold);
  }
}

function toHold(r: Row): LegalHoldRow {
  return {
    id: r.id,
    userId: r.user_id,
    recordType: r.record_type,
    recordId: r.record_id,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at.getTime(),
    endsAt: r.ends_at ? r.ends_at.getTime() : null,
    releasedAt: r.released_at ? r.released_at.getTime() : null,
    releasedBy: r.released_by,
  };
}
