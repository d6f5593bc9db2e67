import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../../database/sql';
import { TtlCache } from '../principal-cache';
import { ApiKeysRepository, type ApiKeyRecord } from '../persistence/api-keys.repository';
import { Principal } from '../principal';
import { Role } from '../roles';

const KEY_FORMAT = /^ott_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export type { ApiKeyRecord };

/**
 * API keys for service accounts: `ott_<prefix>_<secret>`. The prefix finds the row; the
 * secret is stored as a SHA-256 hash (256 random bits need no slow hash) and compared in
 * constant time. The key itself is shown once, on creation.
 */
@Injectable()
export class ApiKeys {
  private readonly verified = new TtlCache<Principal | null>(5_000);
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(private readonly repository: ApiKeysRepository) {}

  async create(
    sql: Sql,
    input: { userId: string; name: string; requestsPerMinute: number; createdBy: string },
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
    const secret = randomBytes(32).toString('base64url');
    const record = await this.repository.insert(sql, {
      userId: input.userId,
      name: input.name,
      keyPrefix: prefix,
      keyHash: sha256(secret),
      requestsPerMinute: input.requestsPerMinute,
      createdBy: input.createdBy,
    });
    return { key: `ott_${prefix}_${secret}`, record };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.repository.list();
  }

  async revoke(sql: Sql, id: string): Promise<ApiKeyRecord | null> {
    const record = await this.repository.revoke(sql, id);
    this.verified.clear();
    return record;
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
    const row = await this.repository.findActiveByPrefix(prefix);
    if (!row) return null;
    const expected = Buffer.from(row.keyHash, 'hex');
    const offered = Buffer.from(sha256(secret), 'hex');
    if (!timingSafeEqual(expected, offered)) return null;
    return {
      kind: 'api_key',
      userId: row.userId,
      apiKeyId: row.id,
      // A key is a producer's credential, stored on its servers: whatever roles its service account
      // may have been given (by hand, or before this rule), the key acts only as ingest.
      roles: row.roles.includes(Role.Ingest) ? [Role.Ingest] : [],
      apiKeyQuotaPerMinute: row.requestsPerMinute,
    };
  }

  /** last_used_at at most once a minute per key: ingestion must not write a row per request. */
  private touch(id: string): void {
    const now = Date.now();
    if ((this.lastUsedWritten.get(id) ?? 0) > now - 60_000) return;
    this.lastUsedWritten.set(id, now);
    this.repository.touchLastUsed(id).catch(() => {
      this.lastUsedWritten.delete(id); // try again on the next request
    });
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
