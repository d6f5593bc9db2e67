import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecord, chainHash, GENESIS_HASH, HashChainVerifier, ChainBreak } from './hash-chain';

/** Serialises appends so each entry links to the one before it. */
const AUDIT_CHAIN_LOCK = 7_310_002;

export interface AuditEntryInput {
  actorType: AuditRecord['actorType'];
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Keyset paging: entries with an id below this one. */
  before?: string;
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
}

/** The append-only, hash-chained audit trail. */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends an entry. Pass the caller's transaction manager when the audited change must commit
   * or roll back together with its audit entry.
   */
  async append(input: AuditEntryInput, manager?: EntityManager): Promise<void> {
    if (manager) return this.appendWith(manager, input);
    await this.dataSource.transaction((tx) => this.appendWith(tx, input));
  }

  private async appendWith(tx: EntityManager, input: AuditEntryInput): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const last: { hash: string }[] = await tx.query('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const prevHash = last[0]?.hash ?? GENESIS_HASH;
    const record: AuditRecord = {
      occurredAt: new Date().toISOString(),
      actorType: input.actorType,
      actorId: input.actorId ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      requestId: input.requestId ?? null,
      ip: input.ip ?? null,
      details: input.details ?? {},
    };
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
        chainHash(prevHash, record),
      ],
    );
  }

  async list(query: AuditQuery): Promise<Record<string, unknown>[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.action) add('action = ?', query.action);
    if (query.targetType) add('target_type = ?', query.targetType);
    if (query.targetId) add('target_id = ?', query.targetId);
    if (query.from) add('occurred_at >= ?', query.from);
    if (query.to) add('occurred_at < ?', query.to);
    if (query.before) add('audit_log.id < ?', query.before);
    params.push(query.limit);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id::text, occurred_at, actor_type, actor_id, action, target_type, target_id, request_id, ip, details, hash
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      occurredAt: r.occurred_at,
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      requestId: r.request_id,
      ip: r.ip,
      details: r.details,
      hash: r.hash,
    }));
  }

  /** Recomputes the whole chain in id order, a page at a time. */
  async verify(pageSize = 5000): Promise<VerifyResult> {
    const verifier = new HashChainVerifier();
    let after = '0';
    for (;;) {
      const rows: Record<string, unknown>[] = await this.dataSource.query(
        `SELECT id::text, occurred_at, actor_type, actor_id, action, target_type, target_id, request_id, ip, details, prev_hash, hash
           FROM audit_log WHERE audit_log.id > $1 ORDER BY audit_log.id LIMIT $2`,
        [after, pageSize],
      );
      for (const row of rows) {
        const failure = verifier.check({
          id: row.id as string,
          prevHash: row.prev_hash as string,
          hash: row.hash as string,
          record: {
            occurredAt: (row.occurred_at as Date).toISOString(),
            actorType: row.actor_type as AuditRecord['actorType'],
            actorId: row.actor_id as string | null,
            action: row.action as string,
            targetType: row.target_type as string | null,
            targetId: row.target_id as string | null,
            requestId: row.request_id as string | null,
            ip: row.ip as string | null,
            details: row.details as Record<string, unknown>,
          },
        });
        if (failure) return { valid: false, checked: verifier.count, firstBreak: failure };
      }
      if (rows.length < pageSize) return { valid: true, checked: verifier.count, firstBreak: null };
      after = rows[rows.length - 1].id as string;
    }
  }
}
