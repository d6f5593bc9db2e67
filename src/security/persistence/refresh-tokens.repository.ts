import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import { Role } from '../domain/roles';

/** A refresh_tokens row as rotation reads it (locked). */
export interface RefreshTokenRow {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

/** refresh_tokens (and the account columns a session check reads). Tokens are identified by hash only. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    row: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null },
    sql: Sql = this.dataSource,
  ): Promise<void> {
    await sql.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, created_ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.userId, row.familyId, row.tokenHash, row.expiresAt, row.ip, row.userAgent],
    );
  }

  /** The token with this hash, locked until the transaction ends; null when unknown. */
  async lockByHash(tx: Sql, tokenHash: string): Promise<RefreshTokenRow | null> {
    const rows = await tx.query(
      `SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      familyId: row.family_id,
      expiresAt: new Date(row.expires_at),
      rotatedAt: row.rotated_at,
      revokedAt: row.revoked_at,
    };
  }

  async revokeFamily(sql: Sql, familyId: string): Promise<void> {
    await sql.query(`UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = $1`, [familyId]);
  }

  async markRotated(sql: Sql, id: string): Promise<void> {
    await sql.query(`UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1`, [id]);
  }

  /** Revokes the family of the token with this hash; null for an unknown token. */
  async revokeFamilyOfHash(tokenHash: string, sql: Sql = this.dataSource): Promise<{ userId: string; familyId: string } | null> {
    const rows = await sql.query(
      `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
        RETURNING user_id, family_id`,
      [tokenHash],
    );
    const first = rows[0]?.[0];
    return first ? { userId: first.user_id, familyId: first.family_id } : null;
  }

  /** Ends one session of one user by its family id. True when it was open until now. */
  async revokeUserFamily(userId: string, familyId: string, sql: Sql = this.dataSource): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [familyId, userId],
    );
    return (rows[0]?.length ?? 0) > 0;
  }

  /** The account behind a session, and whether any token of the session's family is unrevoked. */
  async sessionRow(
    userId: string,
    familyId: string,
    sql: Sql = this.dataSource,
  ): Promise<{ email: string; disabledAt: Date | null; roles: Role[]; sessionOpen: boolean } | null> {
    const rows = await sql.query(
      `SELECT u.email, u.disabled_at,
              coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles WHERE user_id = u.id), '{}') AS roles,
              EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2 AND t.user_id = u.id AND t.revoked_at IS NULL) AS session_open
         FROM users u WHERE u.id = $1`,
      [userId, familyId],
    );
    const row = rows[0];
    if (!row) return null;
    return { email: row.email, disabledAt: row.disabled_at, roles: row.roles, sessionOpen: row.session_open };
  }

  async revokeAllFor(userId: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }
}
