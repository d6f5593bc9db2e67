import { Injectable } from '@nestjs/common';
import { advisoryXactLock, type Sql } from '../../database/sql';
import { RefreshTokens } from '../auth/refresh-tokens.service';
import { Role } from '../roles';
import { UsersRepository, type UserRecord } from '../persistence/users.repository';

export type { UserRecord };

/** Serialises changes that could leave the platform without an active admin. */
const ADMIN_GUARD_LOCK = 7_310_003;

export interface NewUserAccount {
  email: string;
  displayName: string;
  passwordHash: string | null;
  isServiceAccount: boolean;
  roles: Role[];
  grantedBy?: string;
}

/**
 * User accounts as other modules (admin) may change them. Security keeps its repositories to itself;
 * callers pass their transaction so the change and its audit entry commit together.
 */
@Injectable()
export class UserAccounts {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokens,
  ) {}

  findById(id: string, sql?: Sql): Promise<UserRecord | null> {
    return this.users.findById(id, sql);
  }

  list(limit: number, offset: number): Promise<{ items: UserRecord[]; total: number }> {
    return this.users.list(limit, offset);
  }

  /** The new user's id, or null when the e-mail is taken. */
  create(tx: Sql, account: NewUserAccount): Promise<string | null> {
    return this.users.create(tx, account);
  }

  /**
   * In the caller's transaction: waits until no other change to accounts' admin standing is in
   * flight, so "is this the last active admin?" stays true until commit.
   */
  lockAdminChanges(tx: Sql): Promise<void> {
    return advisoryXactLock(tx, ADMIN_GUARD_LOCK);
  }

  countActiveAdmins(tx: Sql): Promise<number> {
    return this.users.countActiveAdmins(tx);
  }

  /** Disabling an account also ends its sessions (every refresh token), in the same transaction. */
  async setDisabled(tx: Sql, id: string, disabled: boolean): Promise<void> {
    await this.users.setDisabled(tx, id, disabled);
    if (disabled) await this.refreshTokens.revokeAllFor(id, tx);
  }

  grantRole(tx: Sql, id: string, role: Role, grantedBy: string): Promise<void> {
    return this.users.grantRole(tx, id, role, grantedBy);
  }

  revokeRole(tx: Sql, id: string, role: Role): Promise<void> {
    return this.users.revokeRole(tx, id, role);
  }
}
