import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Role } from '../roles';

export interface AccessTokenClaims {
  sub: string;
  email: string;
  roles: Role[];
  /** the refresh-token family (session) this token belongs to */
  sid: string;
}

/** Short-lived HS256 JWTs with issuer and audience; verification is passport-jwt's job. */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  sign(claims: AccessTokenClaims): Promise<string> {
    return this.jwt.signAsync(claims, {
      secret: this.config.jwt.secret,
      algorithm: 'HS256',
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
      expiresIn: this.config.jwt.accessTtlSeconds,
    });
  }

  get ttlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }
}
