import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '../../database/sql';
import { Transactions } from '../../database/transactions';
import { RefreshTokensRepository } from '../persistence/refresh-tokens.repository';
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
  constructor(
    private readonly repository: RefreshTokensRepository,
    private readonly transactions: Transactions,
  ) {}

  async issue(
    userId: string,
    ttlSeconds: number,
    meta: { ip?: string; userAgent?: string },
    familyId: string = randomUUID(),
    /** The caller's transaction (rotation); outside one, a single insert. */
    sql?: Sql,
  ): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const row = {
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 512) ?? null,
    };
    await this.repository.insert(row, sql);
    return { token, familyId, expiresAt };
  }

  async rotate(token: string, ttlSeconds: number, meta: { ip?: string; userAgent?: string }): Promise<RotationResult> {
    return this.transactions.run(async (tx) => {
      const row = await this.repository.lockByHash(tx, hashToken(token));
      if (!row) return { outcome: 'invalid' } as const;
      if (row.rotatedAt || row.revokedAt) {
        await this.repository.revokeFamily(tx, row.familyId);
        return { outcome: 'reused', userId: row.userId, familyId: row.familyId } as const;
      }
      if (row.expiresAt.getTime() <= Date.now()) return { outcome: 'invalid' } as const;
      await this.repository.markRotated(tx, row.id);
      const next = await this.issue(row.userId, ttlSeconds, meta, row.familyId, tx);
      return { outcome: 'rotated', userId: row.userId, next } as const;
    });
  }

  /** Ends the session the token belongs to. Returns the user, or null for an unknown token. */
  revokeFamilyOf(token: string): Promise<{ userId: string; familyId: string } | null> {
    return this.repository.revokeFamilyOfHash(hashToken(token));
  }

  /** Ends one session of one user by its family id. True when it was open until now. */
  revokeFamily(userId: string, familyId: string): Promise<boolean> {
    return this.repository.revokeUserFamily(userId, familyId);
  }

  /**
   * The account and session behind an access token. A session stays open while any token of its
   * family is unrevoked (rotation marks old tokens rotated, not revoked; logout, reuse detection
   * and disabling the account revoke the whole family).
   */
  async sessionState(userId: string, familyId: string): Promise<SessionState> {
    const row = await this.repository.sessionRow(userId, familyId);
    if (!row) return { active: false, email: '', roles: [] };
    return { active: !row.disabledAt && row.sessionOpen, email: row.email, roles: row.roles };
  }

  /** Ends every session of the user; pass the caller's transaction to commit with its change. */
  revokeAllFor(userId: string, sql?: Sql): Promise<void> {
    return this.repository.revokeAllFor(userId, sql);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
