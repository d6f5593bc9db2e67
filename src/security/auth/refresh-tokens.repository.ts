import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../roles';

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** What a request or an open stream needs to know about a session, read fresh from the database. */
export interface SessionState {
  /** the account exists, is not disabled, and the session (refresh-token family) is not revoked */
  active: boolean;
  email: string;
  roles: Role[];
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; next: IssuedRefreshToken }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

/**
 * Opaque refresh tokens, stored only as SHA-256 hashes (they are 256 random bits, so a fast
 * hash is enough). Each login starts a family; each refresh rotates within it; presenting a
 * token that was already rotated means it was stolen or replayed, so the family is revoked.
 */
@Injectable()
export class RefreshTokens {
  constructor(private readonly dataSource: DataSource) {}

  async issue(
    userId: string,
    ttlSeconds: number,
    meta: { ip?: string; userAgent?: string },
    familyId: string = randomUUID(),
    manager: EntityManager = this.dataSource.manager,
  ): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await manager.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, created_ip, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [userId, familyId, hashToken(token), expiresAt, meta.ip ?? null, meta.userAgent?.slice(0, 512) ?? null],
    );
    return { token, familyId, expiresAt };
  }

  async rotate(token: string, ttlSeconds: number, meta: { ip?: string; userAgent?: string }): Promise<RotationResult> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query(
        `SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
        [hashToken(token)],
      );
      const row = rows[0];
      if (!row) return { outcome: 'invalid' } as const;
      if (row.rotated_at || row.revoked_at) {
        await tx.query(`UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = $1`, [row.family_id]);
        return { outcome: 'reused', userId: row.user_id, familyId: row.family_id } as const;
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { outcome: 'invalid' } as const;
      await tx.query(`UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1`, [row.id]);
      const next = await this.issue(row.user_id, ttlSeconds, meta, row.family_id, tx);
      return { outcome: 'rotated', userId: row.user_id, next } as const;
    });
  }

  /** Ends the session the token belongs to. Returns the user, or null for an unknown token. */
  async revokeFamilyOf(token: string): Promise<{ userId: string; familyId: string } | null> {
    const rows = await this.dataSource.query(
      `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
        WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)
        RETURNING user_id, family_id`,
      [hashToken(token)],
    );
    const first = rows[0]?.[0];
    return first ? { userId: first.user_id, familyId: first.family_id } : null;
  }

  /** Ends one session of one user by its family id. True when it was open until now. */
  async revokeFamily(userId: string, familyId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [familyId, userId],
    );
    return (rows[0]?.length ?? 0) > 0;
  }

  /**
   * The account and session behind an access token. A session stays open while any token of its
   * family is unrevoked (rotation marks old tokens rotated, not revoked; logout, reuse detection
   * and disabling the account revoke the whole family).
   */
  async sessionState(userId: string, familyId: string): Promise<SessionState> {
    const rows = await this.dataSource.query(
      `SELECT u.email, u.disabled_at,
              coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles WHERE user_id = u.id), '{}') AS roles,
              EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2 AND t.user_id = u.id AND t.revoked_at IS NULL) AS session_open
         FROM users u WHERE u.id = $1`,
      [userId, familyId],
    );
    const row = rows[0];
    if (!row) return { active: false, email: '', roles: [] };
    return { active: !row.disabled_at && row.session_open, email: row.email, roles: row.roles };
  }

  async revokeAllFor(userId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
