import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { AuditLog } from '../audit/audit-log.service';
import { PasswordHasher } from '../password-hasher';
import { Role } from '../roles';
import { RequestContext } from '../principal';
import { UsersRepository } from '../persistence/users.repository';
import { AccessTokens } from './access-tokens';
import { RefreshTokens } from './refresh-tokens.service';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** seconds until the access token expires */
  expiresIn: number;
}

const BAD_CREDENTIALS = 'invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokens,
    private readonly refreshTokens: RefreshTokens,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The same work (one argon2 verification) and the same answer whether the account is
   * unknown, disabled, a service account or has a wrong password.
   *
   * `requiredRoles` (the queue dashboard's login) refuses, with 403 and its own audit entry, a
   * correct login whose account holds none of them, before any session is opened. The role is
   * checked only after the password verified, so it tells nothing to someone without the password.
   */
  async login(email: string, password: string, ctx: RequestContext, userAgent?: string, requiredRoles?: readonly Role[]): Promise<TokenPair> {
    const user = await this.users.findByEmail(email);
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    const allowed = user !== null && passwordOk && !user.disabledAt && !user.isServiceAccount;
    const roleOk = !allowed || !requiredRoles || user.roles.some((role) => requiredRoles.includes(role));
    await this.audit.append({
      actorType: 'user',
      actorId: user?.id ?? null,
      action: !allowed ? 'auth.login.failed' : roleOk ? 'auth.login.succeeded' : 'auth.login.refused',
      targetType: 'user',
      targetId: user?.id ?? null,
      requestId: ctx.requestId,
      ip: ctx.ip,
      details: !allowed ? { email: email.toLowerCase().slice(0, 254) } : roleOk ? {} : { requiredRoles: [...requiredRoles!] },
    });
    pipelineMetrics.authAttempts.inc({ outcome: allowed && roleOk ? 'succeeded' : 'failed' });
    if (!allowed) throw new UnauthorizedException(BAD_CREDENTIALS);
    if (!roleOk) throw new ForbiddenException(`requires one of the roles: ${requiredRoles!.join(', ')}`);
    const refresh = await this.refreshTokens.issue(user.id, this.config.jwt.refreshTtlSeconds, { ip: ctx.ip, userAgent });
    return this.pair(user.id, user.email, user.roles, refresh.familyId, refresh.token);
  }

  async refresh(refreshToken: string, ctx: RequestContext, userAgent?: string): Promise<TokenPair> {
    const result = await this.refreshTokens.rotate(refreshToken, this.config.jwt.refreshTtlSeconds, { ip: ctx.ip, userAgent });
    if (result.outcome === 'reused') {
      await this.audit.append({
        actorType: 'user',
        actorId: result.userId,
        action: 'auth.refresh.reuse_detected',
        targetType: 'session',
        targetId: result.familyId,
        requestId: ctx.requestId,
        ip: ctx.ip,
        details: { revoked: 'session family' },
      });
      throw new UnauthorizedException('refresh token was already used; the session has been revoked');
    }
    if (result.outcome === 'invalid') throw new UnauthorizedException('refresh token is invalid or expired');
    const user = await this.users.findById(result.userId);
    if (!user || user.disabledAt) throw new UnauthorizedException('account is disabled');
    return this.pair(user.id, user.email, user.roles, result.next.familyId, result.next.token);
  }

  async logout(refreshToken: string, ctx: RequestContext): Promise<void> {
    const session = await this.refreshTokens.revokeFamilyOf(refreshToken);
    if (!session) return; // unknown token: nothing to revoke, and nothing to tell
    await this.audit.append({
      actorType: 'user',
      actorId: session.userId,
      action: 'auth.logout',
      targetType: 'session',
      targetId: session.familyId,
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  }

  /** Ends a session by its id (an access token's `sid`), as logout does by refresh token; idempotent. */
  async endSession(userId: string, sessionId: string, ctx: RequestContext): Promise<void> {
    if (!(await this.refreshTokens.revokeFamily(userId, sessionId))) return; // already ended: audited then
    await this.audit.append({
      actorType: 'user',
      actorId: userId,
      action: 'auth.logout',
      targetType: 'session',
      targetId: sessionId,
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  }

  private async pair(userId: string, email: string, roles: Role[], sid: string, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.accessTokens.sign({ sub: userId, email, roles, sid });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.accessTokens.ttlSeconds };
  }
}
