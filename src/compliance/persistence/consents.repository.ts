import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';

/** One entry of a viewer's consent ledger, as the API shows it. */
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

const CONSENT_COLUMNS = `event_id AS "eventId", purpose, state, basis, notice_version AS "noticeVersion",
  separate_form AS "separateForm", explicit, expires_at AS "expiresAt", occurred_at AS "occurredAt", recorded_at AS "recordedAt"`;

/**
 * consents, read for the viewer ledger API. The compliance stage appends the rows with its batch
 * (set-based, in ComplianceStateStore); the rollups fold them by recorded_at.
 */
@Injectable()
export class ConsentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The latest decision per purpose (by event time, then by when it was recorded). */
  currentByPurpose(userId: string, sql: Sql = this.dataSource): Promise<ConsentEntry[]> {
    return sql.query(
      `SELECT DISTINCT ON (purpose) ${CONSENT_COLUMNS} FROM consents WHERE user_id = $1
        ORDER BY purpose, occurred_at DESC, recorded_at DESC`,
      [userId],
    );
  }

  /** The whole ledger, newest first, one page. */
  history(
    userId: string,
    limit: number,
    offset: number,
    sql: Sql = this.dataSource,
  ): Promise<ConsentEntry[]> {
    return sql.query(
      `SELECT ${CONSENT_COLUMNS} FROM consents WHERE user_id = $1 ORDER BY occurred_at DESC, event_id LIMIT $2 OFFSET $3`,
      [userId, limit, offset],
    );
  }

  async count(userId: string, sql: Sql = this.dataSource): Promise<number> {
    const [{ total }]: { total: number }[] = await sql.query(
      `SELECT count(*)::int AS total FROM consents WHERE user_id = $1`,
      [userId],
    );
    return total;
  }
}
