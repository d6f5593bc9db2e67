import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { ApiKeys, ApiKeyRecord } from '../security/api-keys/api-keys.service';
import { AuditLog } from '../security/audit/audit-log.service';
import { PasswordHasher } from '../security/password-hasher';
import { auditActor, RequestContext } from '../security/principal';
import { Role, SERVICE_ACCOUNT_ROLES } from '../security/roles';
import { InvalidInputError } from '../common/domain/invalid-input';
import { UserAccounts, UserRecord } from '../security/accounts/user-accounts.service';
import { CreateApiKeyDto, CreateUserDto } from './admin.dto';

export type PublicUser = Omit<UserRecord, 'passwordHash'>;

/** Users, roles and API keys. Every change is audited in the same transaction as the change. */
@Injectable()
export class AdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserAccounts,
    private readonly hasher: PasswordHasher,
    private readonly apiKeys: ApiKeys,
    private readonly audit: AuditLog,
  ) {}

  async createUser(dto: CreateUserDto, ctx: RequestContext): Promise<PublicUser> {
    const passwordHash = await this.hasher.hash(dto.password);
    const id = await this.transactions.run(async (tx) => {
      const created = await this.users.create(tx, {
        email: dto.email,
        displayName: dto.displayName,
        passwordHash,
        isServiceAccount: false,
        roles: dto.roles,
        grantedBy: ctx.principal?.userId,
      });
      if (!created) throw new ConflictException(`a user with email ${dto.email.toLowerCase()} already exists`);
      await this.audit.append({ ...auditActor(ctx), action: 'admin.user.created', targetType: 'user', targetId: created, details: { email: dto.email.toLowerCase(), roles: dto.roles } }, tx);
      return created;
    });
    return this.get(id);
  }

  async list(limit: number, offset: number): Promise<{ items: PublicUser[]; total: number }> {
    const page = await this.users.list(limit, offset);
    return { items: page.items.map(withoutSecret), total: page.total };
  }

  async get(id: string): Promise<PublicUser> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`user ${id} does not exist`);
    return withoutSecret(user);
  }

  async setDisabled(id: string, disabled: boolean, ctx: RequestContext): Promise<PublicUser> {
    await this.transactions.run(async (tx) => {
      await this.users.lockAdminChanges(tx);
      const user = await this.users.findById(id, tx);
      if (!user) throw new NotFoundException(`user ${id} does not exist`);
      if (disabled && user.id === ctx.principal?.userId) throw new ConflictException('you cannot disable your own account');
      if (disabled && user.roles.includes(Role.Admin) && !user.disabledAt && (await this.users.countActiveAdmins(tx)) <= 1) {
        throw new ConflictException('refused: this is the last active admin');
      }
      await this.users.setDisabled(tx, id, disabled);
      await this.audit.append({ ...auditActor(ctx), action: disabled ? 'admin.user.disabled' : 'admin.user.enabled', targetType: 'user', targetId: id }, tx);
    });
    return this.get(id);
  }

  async changeRole(id: string, role: Role, grant: boolean, ctx: RequestContext): Promise<PublicUser> {
    if (id === ctx.principal?.userId) throw new ConflictException('you cannot change your own roles');
    await this.transactions.run(async (tx) => {
      await this.users.lockAdminChanges(tx);
      const user = await this.users.findById(id, tx);
      if (!user) throw new NotFoundException(`user ${id} does not exist`);
      if (grant && user.isServiceAccount && !SERVICE_ACCOUNT_ROLES.includes(role)) {
        throw new InvalidInputError([
          { field: 'role', problems: [`an API key's service account can hold only the role: ${SERVICE_ACCOUNT_ROLES.join(', ')}`] },
        ]);
      }
      if (!grant && role === Role.Admin && user.roles.includes(Role.Admin) && !user.disabledAt && (await this.users.countActiveAdmins(tx)) <= 1) {
        throw new ConflictException('refused: this is the last active admin');
      }
      if (grant) await this.users.grantRole(tx, id, role, ctx.principal!.userId);
      else await this.users.revokeRole(tx, id, role);
      await this.audit.append({ ...auditActor(ctx), action: grant ? 'admin.role.granted' : 'admin.role.revoked', targetType: 'user', targetId: id, details: { role } }, tx);
    });
    return this.get(id);
  }

  /** A key belongs to a service account of its own, holding only the ingest role. */
  async createApiKey(dto: CreateApiKeyDto, ctx: RequestContext): Promise<{ key: string; apiKey: ApiKeyRecord }> {
    return this.transactions.run(async (tx) => {
      const slug = dto.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'service';
      const email = `svc-${slug}-${Date.now().toString(36)}@service-accounts.invalid`;
      const userId = await this.users.create(tx, {
        email,
        displayName: dto.name,
        passwordHash: null,
        isServiceAccount: true,
        roles: [Role.Ingest],
        grantedBy: ctx.principal?.userId,
      });
      if (!userId) throw new ConflictException('could not create the service account; try again');
      const { key, record } = await this.apiKeys.create(tx, {
        userId,
        name: dto.name,
        requestsPerMinute: dto.requestsPerMinute ?? 6000,
        createdBy: ctx.principal!.userId,
      });
      await this.audit.append({ ...auditActor(ctx), action: 'admin.api_key.created', targetType: 'api_key', targetId: record.id, details: { name: dto.name, prefix: record.keyPrefix, requestsPerMinute: record.requestsPerMinute } }, tx);
      return { key, apiKey: record };
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.apiKeys.list();
  }

  async revokeApiKey(id: string, ctx: RequestContext): Promise<ApiKeyRecord> {
    return this.transactions.run(async (tx) => {
      const record = await this.apiKeys.revoke(tx, id);
      if (!record) throw new NotFoundException(`API key ${id} does not exist`);
      await this.audit.append({ ...auditActor(ctx), action: 'admin.api_key.revoked', targetType: 'api_key', targetId: id }, tx);
      return record;
    });
  }
}

function withoutSecret(user: UserRecord): PublicUser {
  const { passwordHash: _secret, ...rest } = user;
  return rest;
}
