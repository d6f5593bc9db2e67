import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { ReportFormat, ReportType } from '../content/report-kinds';

const SUMMARY_COLUMNS = `id, type, format, period_start, period_end, status, requested_by, created_at, completed_at, error, content_type,
  octet_length(content) AS size_bytes`;

/** A reports row without its content (the summary columns, with the content's size). */
export type ReportRow = Record<string, unknown>;

/** reports: requested and scheduled reports, their state and rendered content. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    report: { type: string; format: string; from: Date; to: Date; requestedBy: string },
    sql: Sql = this.dataSource,
  ): Promise<ReportRow> {
    const [row] = await sql.query(
      `INSERT INTO reports (type, format, period_start, period_end, requested_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${SUMMARY_COLUMNS}`,
      [report.type, report.format, report.from, report.to, report.requestedBy],
    );
    return row;
  }

  /** A scheduled report, once per period and requester (the unique index); its id, or null when it exists. */
  async insertScheduled(
    report: { type: string; format: string; from: Date; to: Date; requestedBy: string },
    sql: Sql = this.dataSource,
  ): Promise<string | null> {
    const rows: { id: string }[] = await sql.query(
      `INSERT INTO reports (type, format, period_start, period_end, requested_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (type, format, period_start, period_end, requested_by) WHERE requested_by LIKE 'schedule:%' DO NOTHING
       RETURNING id`,
      [report.type, report.format, report.from, report.to, report.requestedBy],
    );
    return rows[0]?.id ?? null;
  }

  /** A page, newest first, each row carrying the total count of matching reports. */
  list(filter: { type?: string; status?: string }, limit: number, offset: number, sql: Sql = this.dataSource): Promise<ReportRow[]> {
    return sql.query(
      `SELECT ${SUMMARY_COLUMNS}, count(*) OVER () AS total FROM reports
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR status = $2)
        ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
      [filter.type ?? null, filter.status ?? null, limit, offset],
    );
  }

  async find(id: string, sql: Sql = this.dataSource): Promise<ReportRow | null> {
    const [row] = await sql.query(`SELECT ${SUMMARY_COLUMNS} FROM reports WHERE id = $1`, [id]);
    return row ?? null;
  }

  async findContent(
    id: string,
    sql: Sql = this.dataSource,
  ): Promise<{ type: string; format: string; status: string; period_start: Date; period_end: Date; content_type: string; content: Buffer } | null> {
    const [row] = await sql.query(
      `SELECT type, format, status, period_start, period_end, content_type, content FROM reports WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Marks a report running unless it is done; its type, format and period, or null. */
  async claim(
    id: string,
    sql: Sql = this.dataSource,
  ): Promise<{ type: ReportType; format: ReportFormat; period_start: Date; period_end: Date } | null> {
    // TypeORM answers an UPDATE with [rows, count].
    const [[row]] = await sql.query(
      `UPDATE reports SET status = 'running', error = NULL WHERE id = $1 AND status IN ('queued', 'running', 'failed')
       RETURNING type, format, period_start, period_end`,
      [id],
    );
    return row ?? null;
  }

  async storeContent(id: string, content: Buffer, contentType: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(
      `UPDATE reports SET status = 'done', content = $2, content_type = $3, completed_at = now(), error = NULL WHERE id = $1`,
      [id, content, contentType],
    );
  }

  async markFailed(id: string, error: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(`UPDATE reports SET status = 'failed', error = $2 WHERE id = $1 AND status <> 'done'`, [id, error]);
  }

  /** Reports queued or running for longer than `olderThanMs`, oldest first. */
  async staleIds(olderThanMs: number, limit: number, sql: Sql = this.dataSource): Promise<string[]> {
    const rows: { id: string }[] = await sql.query(
      `SELECT id FROM reports WHERE status IN ('queued', 'running') AND created_at < now() - ($1::double precision * interval '1 millisecond')
        ORDER BY created_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => r.id);
  }
}
