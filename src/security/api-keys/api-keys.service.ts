import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { TtlCache } from '../principal-cache';
import { Principal } from '../principal';
import { Role } from '../roles';

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  keyPrefix: string;
  requestsPerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_FORMAT = /^ott_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * API keys for service accounts: `ott_<prefix>_<secret>`. The prefix finds the row; the
 * secret is stored as a SHA-256 hash (256 random bits need no slow hash) and compared in
 * constant time. The key itself is shown once, on creation.
 */
@Injectable()
export class ApiKeys {
  private readonly verified = new TtlCache<Principal | null>(5_000);
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  async create(
    manager: EntityManager,
    input: { userId: string; name: string; requestsPerMinute: number; createdBy: string },
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const rows = await manager.query(
      `INSERT INTO api_keys (user_id, name, key_prefix, key_hash, requests_per_minute, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [input.userId, input.name, prefix, sha256(secret), input.requestsPerMinute, input.createdBy],
    );
    return { key: `ott_${prefix}_${secret}`, record: toRecord(rows[0]) };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.dataSource.query(`SELECT * FROM api_keys ORDER BY created_at DESC`);
    return rows.map(toRecord);
  }

  async revoke(manager: EntityManager, id: string): Promise<ApiKeyRecord | null> {
    const rows = await manager.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    this.verified.clear();
    return rows[0]?.[0] ? toRecord(rows[0][0]) : null;
  }

  /** The principal for a presented key, or null when it is malformed, unknown, revoked or disabled. */
  async authenticate(presented: string): Promise<Principal | null> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return null;
    const [, prefix, secret] = match;
    const principal = await this.verified.get(`${prefix}:${sha256(secret)}`, () => this.lookup(prefix, secret));
    if (principal?.apiKeyId) this.touch(principal.apiKeyId);
    return principal;
  }

  private async lookup(prefix: string, secret: string): Promise<Principal | null> {
    const rows = await this.dataSource.query(
      `SELECT k.id, k.user_id, k.key_hash, k.requests_per_minute,
              coalesce((SELECT array_agg(role) FROM user_roles WHERE user_id = k.user_id), '{}') AS roles
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_prefix = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [prefix],
    );
    const row = rows[0];
    if (!row) return null;
    const expected = Buffer.from(row.key_hash, 'hex');
    const offered = Buffer.from(sha256(secret), 'hex');
    if (!timingSafeEqual(expected, offered)) return null;
    return {
      kind: 'api_key',
      userId: row.user_id,
      apiKeyId: row.id,
      // A key is a producer's credential, stored on its servers: whatever roles its service account
      // may have been given (by hand, or before this rule), the key acts only as ingest.
      roles: (row.roles as Role[]).includes(Role.Ingest) ? [Role.Ingest] : [],
      apiKeyQuotaPerMinute: row.requests_per_minute,
    };
  }

  /** last_used_at at most once a minute per key: ingestion must not write a row per request. */
  private touch(id: string): void {
    const now = Date.now();
    if ((this.lastUsedWritten.get(id) ?? 0) > now - 60_000) return;
    this.lastUsedWritten.set(id, now);
    this.dataSource.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]).catch(() => {
      this.lastUsedWritten.delete(id); // try again on the next request
    });
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function toRecord(row: Record<string, unknown>): ApiKeyRecord {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    name: row.name as string,
    keyPrefix: row.key_prefix as string,
    requestsPerMinute: row.requests_per_minute as number,
    createdAt: row.created_at as Date,
    lastUsedAt: row.last_used_at as Date | null,
    revokedAt: row.revoked_at as Date | null,
  };
}
