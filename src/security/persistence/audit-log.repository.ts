import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { advisoryXactLock, type Sql } from '../../database/sql';
import type { AuditRecord } from '../domain/hash-chain';

/** Serialises appends so each entry links to the one before it. */
const AUDIT_CHAIN_LOCK = 7_310_002;

/** Filters of the audit log's list (keyset paging by id, newest first). */
export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Entries with an id below this one. */
  before?: string;
}

/** An audit_log row, as read back (id as text: it is a bigint). */
export interface StoredAuditEntry {
  id: string;
  record: AuditRecord;
  occurredAt: Date;
  prevHash: string;
  hash: string;
}

const COLUMNS = `id::text, occurred_at, actor_type, actor_id, action, target_type, target_id, request_id, ip, details, prev_hash, hash`;

/** audit_log: append-only (a trigger refuses updates and deletes) and hash-chained. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the appending transaction: waits for the chain's lock, then reads the last entry's hash. */
  async lockChainHead(tx: Sql): Promise<string | null> {
    await advisoryXactLock(tx, AUDIT_CHAIN_LOCK);
    const last: { hash: string }[] = await tx.query('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    return last[0]?.hash ?? null;
  }

  async insert(tx: Sql, record: AuditRecord, prevHash: string, hash: string): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (occurred_at, actor_type, actor_id, action, target_type, target_id, request_id, ip, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        record.occurredAt,
        record.actorType,
        record.actorId,
        record.action,
        record.targetType,
        record.targetId,
        record.requestId,
        record.ip,
        JSON.stringify(record.details),
        prevHash,
        hash,
      ],
    );
  }

  async list(filter: AuditFilter, sql: Sql = this.dataSource): Promise<StoredAuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.targetType) add('target_type = ?', filter.targetType);
    if (filter.targetId) add('target_id = ?', filter.targetId);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.before) add('audit_log.id < ?', filter.before);
    params.push(filter.limit);
    const rows: Record<string, unknown>[] = await sql.query(
      `SELECT ${COLUMNS}
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  /** Entries after `afterId`, in id order: the chain, a page at a time. */
  async pageAfter(afterId: string, pageSize: number, sql: Sql = this.dataSource): Promise<StoredAuditEntry[]> {
    const rows: Record<string, unknown>[] = await sql.query(
      `SELECT ${COLUMNS} FROM audit_log WHERE audit_log.id > $1 ORDER BY audit_log.id LIMIT $2`,
      [afterId, pageSize],
    );
    return rows.map(toEntry);
  }
}

function toEntry(row: Record<string, unknown>): StoredAuditEntry {
  const occurredAt = row.occurred_at as Date;
  return {
    id: row.id as string,
    occurredAt,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
    record: {
      occurredAt: occurredAt.toISOString(),
      actorType: row.actor_type as AuditRecord['actorType'],
      actorId: row.actor_id as string | null,
      action: row.action as string,
      targetType: row.target_type as string | null,
      targetId: row.target_id as string | null,
      requestId: row.request_id as string | null,
      ip: row.ip as string | null,
      details: row.details as Record<string, unknown>,
    },
  };
}
