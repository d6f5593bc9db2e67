import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { Transactions } from '../../database/transactions';
import { AuditLogRepository, type AuditFilter } from '../persistence/audit-log.repository';
import { AuditRecord, chainHash, GENESIS_HASH, HashChainVerifier, ChainBreak } from '../domain/hash-chain';

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

export type AuditQuery = AuditFilter;

export interface VerifyResult {
  valid: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
}

/** The append-only, hash-chained audit trail. */
@Injectable()
export class AuditLog {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Appends an entry. Pass the caller's transaction when the audited change must commit or roll
   * back together with its audit entry.
   */
  async append(input: AuditEntryInput, tx?: Sql): Promise<void> {
    if (tx) return this.appendWith(tx, input);
    await this.transactions.run((own) => this.appendWith(own, input));
  }

  private async appendWith(tx: Sql, input: AuditEntryInput): Promise<void> {
    const prevHash = (await this.repository.lockChainHead(tx)) ?? GENESIS_HASH;
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
    await this.repository.insert(tx, record, prevHash, chainHash(prevHash, record));
  }

  async list(query: AuditQuery): Promise<Record<string, unknown>[]> {
    const entries = await this.repository.list(query);
    return entries.map(({ id, occurredAt, record, hash }) => ({
      id,
      occurredAt,
      actorType: record.actorType,
      actorId: record.actorId,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      requestId: record.requestId,
      ip: record.ip,
      details: record.details,
      hash,
    }));
  }

  /** Recomputes the whole chain in id order, a page at a time. */
  async verify(pageSize = 5000): Promise<VerifyResult> {
    const verifier = new HashChainVerifier();
    let after = '0';
    for (;;) {
      const entries = await this.repository.pageAfter(after, pageSize);
      for (const entry of entries) {
        const failure = verifier.check({ id: entry.id, prevHash: entry.prevHash, hash: entry.hash, record: entry.record });
        if (failure) return { valid: false, checked: verifier.count, firstBreak: failure };
      }
      if (entries.length < pageSize) return { valid: true, checked: verifier.count, firstBreak: null };
      after = entries[entries.length - 1].id;
    }
  }
}
