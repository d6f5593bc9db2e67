import { createHash } from 'node:crypto';

/** The fields of an audit entry that its hash covers (everything but the row's own id and hash). */
export interface AuditRecord {
  occurredAt: string; // ISO-8601, millisecond precision, as stored
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = SHA-256(prevHash ‖ canonical JSON of the record). Each entry commits to the one before,
 * so altering, inserting or removing any row breaks every hash after it.
 */
export function chainHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(record)).digest('hex');
}

/** JSON with object keys sorted at every level, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ChainBreak {
  id: string;
  reason: 'prev_hash does not match the previous entry' | 'hash does not match the entry';
}

/** Walks stored entries in id order and reports the first one that does not fit the chain. */
export class HashChainVerifier {
  private previous = GENESIS_HASH;
  private checked = 0;

  /** Feed entries in id order; returns the first break, or null while the chain holds. */
  check(entry: { id: string; prevHash: string; hash: string; record: AuditRecord }): ChainBreak | null {
    this.checked++;
    if (entry.prevHash !== this.previous) return { id: entry.id, reason: 'prev_hash does not match the previous entry' };
    if (chainHash(entry.prevHash, entry.record) !== entry.hash) return { id: entry.id, reason: 'hash does not match the entry' };
    this.previous = entry.hash;
    return null;
  }

  get count(): number {
    return this.checked;
  }
}
