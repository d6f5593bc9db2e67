import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Principal, RequestContext } from '../principal';
import { AccessTokenClaims } from './access-tokens';
import { AuthService } from './auth.service';
import { DASHBOARD_ROLES } from './dashboard-session';
import { INVALID_TOKEN, JwtStrategy } from './jwt.strategy';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sessions of the queue dashboard (Bull Board, mounted outside Nest's guards): opened by the login
 * form through AuthService (same throttling, audit and timing as the API login, plus the role
 * check), checked on every board request with the same JWT and session checks as the API, ended
 * by the logout form, which revokes the session so a copied cookie stops working too.
 */
@Injectable()
export class DashboardSessions {
  constructor(
    private readonly auth: AuthService,
    private readonly jwt: JwtService,
    private readonly strategy: JwtStrategy,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  /**
   * The access token to put in the cookie. The session's refresh token is not handed out: the
   * dashboard session ends when the access token does, and logout revokes it by its id.
   * Throws 401 for wrong credentials, 403 for an account that is neither operator nor admin.
   */
  async open(email: string, password: string, ctx: RequestContext, userAgent?: string): Promise<string> {
    return (await this.auth.login(email, password, ctx, userAgent, DASHBOARD_ROLES)).accessToken;
  }

  /** The caller behind a bearer token or cookie, if it may read the board; 401 or 403 otherwise. */
  async authorize(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthorizedException('authentication required');
    let principal: Principal;
    try {
      principal = await this.strategy.validate(await this.verify(token, false));
    } catch (error) {
      // jsonwebtoken's reasons name the issuer and audience it expected: only our own messages go out.
      throw error instanceof UnauthorizedException ? error : new UnauthorizedException(INVALID_TOKEN);
    }
    if (!principal.roles.some((role) => DASHBOARD_ROLES.includes(role))) {
      throw new ForbiddenException(`requires one of the roles: ${DASHBOARD_ROLES.join(', ')}`);
    }
    return principal;
  }

  /**
   * Revokes the cookie's session. An expired token still names its session (its signature is
   * checked all the same); a token that does not verify names nothing and is ignored.
   */
  async close(token: string | undefined, ctx: RequestContext): Promise<void> {
    if (!token) return;
    let claims: AccessTokenClaims;
    try {
      claims = await this.verify(token, true);
    } catch {
      return;
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !UUID.test(claims.sub) || !UUID.test(claims.sid)) return;
    await this.auth.endSession(claims.sub, claims.sid, ctx);
  }

  private verify(token: string, ignoreExpiration: boolean): Promise<AccessTokenClaims & { exp?: unknown }> {
    return this.jwt.verifyAsync(token, {
      secret: this.config.jwt.secret,
      algorithms: ['HS256'],
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      ignoreExpiration,
    });
  }
}
