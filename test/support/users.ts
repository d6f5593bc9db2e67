import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PasswordHasher } from '../../src/security/password-hasher';
import { Role } from '../../src/security/roles';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  roles: Role[];
}

const hasher = new PasswordHasher();
let cachedHash: { password: string; hash: string } | undefined;

/** Creates a user straight in the database (fixtures need not go through the admin API). */
export async function createUser(app: INestApplication, roles: Role[]): Promise<TestUser> {
  const password = 'test-password-for-fixtures';
  cachedHash ??= { password, hash: await hasher.hash(password) };
  const email = `user-${randomBytes(5).toString('hex')}@test.example`;
  const ds = app.get(DataSource);
  const [{ id }] = await ds.query(`INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Test', $2) RETURNING id`, [
    email,
    cachedHash.hash,
  ]);
  if (roles.length) await ds.query(`INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])`, [id, roles]);
  return { id, email, password, roles };
}

export async function login(app: INestApplication, user: Pick<TestUser, 'email' | 'password'>) {
  const res = await request(app.getHttpServer()).post('/api/v1/auth/login').send({ email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number };
}

/** A fresh user with these roles, logged in: returns its bearer token. */
export async function tokenFor(app: INestApplication, roles: Role[]): Promise<string> {
  return (await login(app, await createUser(app, roles))).accessToken;
}
