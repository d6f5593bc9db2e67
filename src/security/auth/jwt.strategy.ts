import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Principal } from '../principal';
import { AccessTokenClaims } from './access-tokens';
import { TtlCache } from '../principal-cache';
import { RefreshTokens, SessionState } from './refresh-tokens.service';

/** The one answer for every token that does not verify: it names no claim the server expects. */
export const INVALID_TOKEN = 'invalid or expired token';

/**
 * passport-jwt verifies signature (HS256 only: alg "none" and others are refused), issuer,
 * audience and expiry. It checks expiry only when the token has one, so a token without `exp`
 * is refused here: every token we sign carries one, and a token that never expires would outlive
 * any key rotation. Then the account and session are re-checked, so a disabled user, a revoked
 * role or a logged-out session stop working within seconds, not at token expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly sessions = new TtlCache<SessionState>(5_000);

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly refreshTokens: RefreshTokens,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessTokenClaims & { exp?: unknown }): Promise<Principal> {
    if (typeof claims?.exp !== 'number' || !Number.isFinite(claims.exp)) throw new UnauthorizedException(INVALID_TOKEN);
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new UnauthorizedException(INVALID_TOKEN);
    const state = await this.sessions.get(`${claims.sub}:${claims.sid}`, () => this.refreshTokens.sessionState(claims.sub, claims.sid));
    if (!state.active) throw new UnauthorizedException('session is no longer valid');
    return { kind: 'user', userId: claims.sub, sessionId: claims.sid, email: state.email, roles: state.roles };
  }
}
