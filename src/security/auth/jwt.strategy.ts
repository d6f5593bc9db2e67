import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Principal } from '../principal';
import { Role } from '../roles';
import { AccessTokenClaims } from './access-tokens';
import { TtlCache } from './principal-cache';

interface SessionState {
  active: boolean;
  email: string;
  roles: Role[];
}

/**
 * passport-jwt verifies signature (HS256 only: alg "none" and others are refused), issuer,
 * audience and expiry. Then the account and session are re-checked, so a disabled user, a
 * revoked role or a logged-out session stop working within seconds, not at token expiry.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly sessions = new TtlCache<SessionState>(5_000);

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly dataSource: DataSource,
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

  async validate(claims: AccessTokenClaims): Promise<Principal> {
    if (typeof claims?.sub !== 'string' || typeof claims.sid !== 'string') throw new UnauthorizedException('malformed token');
    const state = await this.sessions.get(`${claims.sub}:${claims.sid}`, () => this.load(claims.sub, claims.sid));
    if (!state.active) throw new UnauthorizedException('session is no longer valid');
    return { kind: 'user', userId: claims.sub, email: state.email, roles: state.roles };
  }

  private async load(userId: string, familyId: string): Promise<SessionState> {
    const rows = await this.dataSource.query(
      `SELECT u.email, u.disabled_at,
              coalesce((SELECT array_agg(role ORDER BY role) FROM user_roles WHERE user_id = u.id), '{}') AS roles,
              EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = $2 AND t.user_id = u.id AND t.revoked_at IS NULL) AS session_open
         FROM users u WHERE u.id = $1`,
      [userId, familyId],
    );
    const row = rows[0];
    if (!row) return { active: false, email: '', roles: [] };
    return { active: !row.disabled_at && row.session_open, email: row.email, roles: row.roles };
  }
}
