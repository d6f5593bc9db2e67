import { Injectable } from '@nestjs/common';
import { advisoryXactLock, type Sql } from '../../database/sql';
import { UsersRepository, type UserRecord } from '../persistence/users.repository';
import { Role } from '../roles';

export type { UserRecord };

/** Serialises changes that could leave the platform without an active admin. */
const ADMIN_GUARD_LOCK = 7_310_003;

/**
 * Accounts and their roles, for other modules (administration). Changes take the caller's
 * transaction, so they commit together with the caller's audit entry.
 */
@Injectable()
export class Users {
  constructor(private readonly repository: UsersRepository) {}

  findById(id: string, sql?: Sql): Promise<UserRecord | null> {
    return this.repository.findById(id, sql);
  }

  list(limit: number, offset: number): Promise<{ items: UserRecord[]; total: number }> {
    return this.repository.list(limit, offset);
  }

  /** The new user's id, or null when the e-mail is taken. */
  create(
    tx: Sql,
    user: { email: string; displayName: string; passwordHash: string | null; isServiceAccount: boolean; roles: Role[]; grantedBy?: string },
  ): Promise<string | null> {
    return this.repository.create(tx, user);
  }

  /**
   * In the caller's transaction: waits until no other change to accounts' admin standing is in
   * flight, so "is this the last active admin?" stays true until commit.
   */
  lockAdminChanges(tx: Sql): Promise<void> {
    return advisoryXactLock(tx, ADMIN_GUARD_LOCK);
  }

  countActiveAdmins(tx: Sql): Promise<number> {
    return this.repository.countActiveAdmins(tx);
  }

  setDisabled(tx: Sql, id: string, disabled: boolean): Promise<void> {
    return this.repository.setDisabled(tx, id, disabled);
  }

  grantRole(tx: Sql, id: string, role: Role, grantedBy: string): Promise<void> {
    return this.repository.grantRole(tx, id, role, grantedBy);
  }

  revokeRole(tx: Sql, id: string, role: Role): Promise<void> {
    return this.repository.revokeRole(tx, id, role);
  }
}
