import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { advisoryXactLock } from '../../database/sql';
import { Transactions } from '../../database/transactions';
import { AuditLog } from '../audit/audit-log.service';
import { PasswordHasher } from '../password-hasher';
import { UsersRepository } from '../persistence/users.repository';
import { Role } from '../roles';

/** Advisory-lock key: several processes starting at once create the first admin only once. */
const BOOTSTRAP_LOCK = 7_310_001;

/** On the first start (no user at all), creates the admin named by ADMIN_EMAIL / ADMIN_PASSWORD. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.createFirstAdmin();
    if (created) this.logger.log(`created the first admin account ${this.config.admin.email}`);
  }

  async createFirstAdmin(): Promise<boolean> {
    const passwordHash = await this.hasher.hash(this.config.admin.password);
    return this.transactions.run(async (tx) => {
      await advisoryXactLock(tx, BOOTSTRAP_LOCK);
      if ((await this.users.count(tx)) > 0) return false;
      const id = await this.users.create(tx, {
        email: this.config.admin.email,
        displayName: 'Administrator',
        passwordHash,
        isServiceAccount: false,
        roles: [Role.Admin],
      });
      if (id === null) return false;
      await this.audit.append({ actorType: 'system', action: 'admin.bootstrap.created', targetType: 'user', targetId: id, details: { email: this.config.admin.email } }, tx);
      return true;
    });
  }
}
