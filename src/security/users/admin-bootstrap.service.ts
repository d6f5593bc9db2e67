import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AuditLog } from '../audit/audit-log.service';
import { PasswordHasher } from '../password-hasher';
import { Role } from '../roles';

/** Advisory-lock key: several processes starting at once create the first admin only once. */
const BOOTSTRAP_LOCK = 7_310_001;

/** On the first start (no user at all), creates the admin named by ADMIN_EMAIL / ADMIN_PASSWORD. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const created = await this.createFirstAdmin();
    if (created) this.logger.log(`created the first admin account ${this.config.admin.email}`);
  }

  async createFirstAdmin(): Promise<boolean> {
    const passwordHash = await this.hasher.hash(this.config.admin.password);
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const [{ count }] = await tx.query('SELECT count(*)::int AS count FROM users');
      if (count > 0) return false;
      const [{ id }] = await tx.query(
        `INSERT INTO users (email, display_name, password_hash) VALUES ($1, 'Administrator', $2) RETURNING id`,
        [this.config.admin.email, passwordHash],
      );
      await tx.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, $2)`, [id, Role.Admin]);
      await this.audit.append({ actorType: 'system', action: 'admin.bootstrap.created', targetType: 'user', targetId: id, details: { email: this.config.admin.email } }, tx);
      return true;
    });
  }
}
