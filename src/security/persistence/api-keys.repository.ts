import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import { Role } from '../domain/roles';

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

/** What authentication needs of an active key: its hash, quota and its account's roles. */
export interface ActiveApiKey {
  id: string;
  userId: string;
  keyHash: string;
  requestsPerMinute: number;
  roles: Role[];
}

/** api_keys. Only a key's prefix and the hash of its secret are stored. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    sql: Sql,
    key: { userId: string; name: string; keyPrefix: string; keyHash: string; requestsPerMinute: number; createdBy: string },
  ): Promise<ApiKeyRecord> {
    const rows = await sql.query(
      `INSERT INTO api_keys (user_id, name, key_prefix, key_hash, requests_per_minute, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [key.userId, key.name, key.keyPrefix, key.keyHash, key.requestsPerMinute, key.createdBy],
    );
    return toRecord(rows[0]);
  }

  async list(sql: Sql = this.dataSource): Promise<ApiKeyRecord[]> {
    const rows = await sql.query(`SELECT * FROM api_keys ORDER BY created_at DESC`);
    return rows.map(toRecord);
  }

  /** Marks the key revoked (once); null when there is no such key. */
  async revoke(sql: Sql, id: string): Promise<ApiKeyRecord | null> {
    const rows = await sql.query(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [id],
    );
    return rows[0]?.[0] ? toRecord(rows[0][0]) : null;
  }

  /** The unrevoked key with this prefix whose account is enabled, or null. */
  async findActiveByPrefix(prefix: string, sql: Sql = this.dataSource): Promise<ActiveApiKey | null> {
    const rows = await sql.query(
      `SELECT k.id, k.user_id, k.key_hash, k.requests_per_minute,
              coalesce((SELECT array_agg(role) FROM user_roles WHERE user_id = k.user_id), '{}') AS roles
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_prefix = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [prefix],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      keyHash: row.key_hash,
      requestsPerMinute: row.requests_per_minute,
      roles: row.roles,
    };
  }

  async touchLastUsed(id: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
  }
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
