import { Module } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { DatabaseModule } from '../database/database.module';
import { REDIS } from '../database/redis.module';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AdminBootstrap } from './users/admin-bootstrap.service';
import { ApiKeys } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditLog } from './audit/audit-log.service';
import { AccessTokens } from './auth/access-tokens';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { DashboardSessionController } from './auth/dashboard-session.controller';
import { DashboardSessions } from './auth/dashboard-sessions.service';
import { JwtStrategy } from './auth/jwt.strategy';
import { LiveSessions } from './auth/live-sessions';
import { RefreshTokens } from './auth/refresh-tokens.service';
import { AttackPatternDetector } from './domain/attack-patterns';
import { PasswordHasher } from './password-hasher';
import { throttlerOptions } from './throttling/throttling';
import { UserAccounts } from './accounts/user-accounts.service';
import { ApiKeysRepository } from './persistence/api-keys.repository';
import { AuditLogRepository } from './persistence/audit-log.repository';
import { RefreshTokensRepository } from './persistence/refresh-tokens.repository';
import { UsersRepository } from './persistence/users.repository';

@Module({
  imports: [
    DatabaseModule,
    PassportModule,
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      inject: [REDIS, Reflector, APP_CONFIG],
      useFactory: (redis: Redis, reflector: Reflector, config: AppConfig) => throttlerOptions(redis, reflector, config.throttle, config.queuePrefix),
    }),
  ],
  controllers: [AuthController, AuditController, DashboardSessionController],
  providers: [
    PasswordHasher,
    AdminBootstrap,
    UsersRepository,
    RefreshTokensRepository,
    ApiKeysRepository,
    AuditLogRepository,
    RefreshTokens,
    UserAccounts,
    AccessTokens,
    AuthService,
    DashboardSessions,
    JwtStrategy,
    LiveSessions,
    ApiKeys,
    AuditLog,
    // The attack-pattern library is plain code; one shared instance serves ingestion and any endpoint.
    { provide: AttackPatternDetector, useValue: new AttackPatternDetector() },
  ],
  exports: [PasswordHasher, UserAccounts, ApiKeys, AuditLog, AttackPatternDetector, LiveSessions, DashboardSessions],
})
export class SecurityModule {}
