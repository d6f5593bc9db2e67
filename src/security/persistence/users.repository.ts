import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import { Role } from '../domain/roles';

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  isServiceAccount: boolean;
  disabledAt: Date | null;
  roles: Role[];
  createdAt: Date;
}

const SELECT_USER = `
  SELECT u.id, u.email, u.display_name, u.password_hash, u.is_service_account, u.disabled_at, u.created_at,
         coalesce(array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), '{}') AS roles
    FROM users u LEFT JOIN user_roles r ON r.user_id = u.id`;

/** users and user_roles. Methods that may run inside a caller's transaction take its Sql. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByEmail(email: string): Promise<UserRecord | null> {
    const rows = await this.dataSource.query(`${SELECT_USER} WHERE u.email = $1 GROUP BY u.id`, [email.toLowerCase()]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findById(id: string, sql: Sql = this.dataSource): Promise<UserRecord | null> {
    const rows = await sql.query(`${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async list(limit: number, offset: number): Promise<{ items: UserRecord[]; total: number }> {
    const rows = await this.dataSource.query(`${SELECT_USER} GROUP BY u.id ORDER BY u.created_at, u.id LIMIT $1 OFFSET $2`, [
      limit,
      offset,
    ]);
    const [{ total }] = await this.dataSource.query('SELECT count(*)::int AS total FROM users');
    return { items: rows.map(toUser), total };
  }

  async create(
    sql: Sql,
    user: { email: string; displayName: string; passwordHash: string | null; isServiceAccount: boolean; roles: Role[]; grantedBy?: string },
  ): Promise<string | null> {
    const rows = await sql.query(
      `INSERT INTO users (email, display_name, password_hash, is_service_account) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [user.email.toLowerCase(), user.displayName, user.passwordHash, user.isServiceAccount],
    );
    if (!rows[0]) return null;
    const id: string = rows[0].id;
    if (user.roles.length > 0) {
      await sql.query(
        `INSERT INTO user_roles (user_id, role, granted_by) SELECT $1, unnest($2::text[]), $3`,
        [id, user.roles, user.grantedBy ?? null],
      );
    }
    return id;
  }

  async count(sql: Sql = this.dataSource): Promise<number> {
    const [{ count }] = await sql.query('SELECT count(*)::int AS count FROM users');
    return count;
  }

  async countActiveAdmins(sql: Sql): Promise<number> {
    const [{ count }] = await sql.query(
      `SELECT count(*)::int AS count FROM users u JOIN user_roles r ON r.user_id = u.id
        WHERE r.role = 'admin' AND u.disabled_at IS NULL`,
    );
    return count;
  }

  async setDisabled(sql: Sql, id: string, disabled: boolean): Promise<void> {
    await sql.query(`UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END, updated_at = now() WHERE id = $1`, [
      id,
      disabled,
    ]);
  }

  async grantRole(sql: Sql, id: string, role: Role, grantedBy: string): Promise<void> {
    await sql.query(`INSERT INTO user_roles (user_id, role, granted_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [id, role, grantedBy]);
  }

  async revokeRole(sql: Sql, id: string, role: Role): Promise<void> {
    await sql.query(`DELETE FROM user_roles WHERE user_id = $1 AND role = $2`, [id, role]);
  }
}

function toUser(row: Record<string, unknown>): UserRecord {
  return {
    id: row.id as string,
    email: row.email as string,
    displayName: row.display_name as string,
    passwordHash: row.password_hash as string | null,
    isServiceAccount: row.is_service_account as boolean,
    disabledAt: row.disabled_at as Date | null,
    roles: row.roles as Role[],
    createdAt: row.created_at as Date,
  };
}
