import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { RefreshTokens } from '../auth/refresh-tokens.repository';
import { Role } from '../roles';
import { UserRecord, UsersRepository } from '../users/users.repository';

export type { UserRecord };

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

  findById(id: string, tx?: EntityManager): Promise<UserRecord | null> {
    return this.users.findById(id, tx);
  }

  list(limit: number, offset: number): Promise<{ items: UserRecord[]; total: number }> {
    return this.users.list(limit, offset);
  }

  /** The new user's id, or null when the e-mail is taken. */
  create(tx: EntityManager, account: NewUserAccount): Promise<string | null> {
    return this.users.create(tx, account);
  }

  countActiveAdmins(tx: EntityManager): Promise<number> {
    return this.users.countActiveAdmins(tx);
  }

  /** Disabling an account also ends its sessions (every refresh token), in the same transaction. */
  async setDisabled(tx: EntityManager, id: string, disabled: boolean): Promise<void> {
    await this.users.setDisabled(tx, id, disabled);
    if (disabled) await this.refreshTokens.revokeAllFor(id, tx);
  }

  grantRole(tx: EntityManager, id: string, role: Role, grantedBy: string): Promise<void> {
    return this.users.grantRole(tx, id, role, grantedBy);
  }

  revokeRole(tx: EntityManager, id: string, role: Role): Promise<void> {
    return this.users.revokeRole(tx, id, role);
  }
}
