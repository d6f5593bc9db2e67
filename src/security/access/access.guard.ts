import { ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ApiKeys } from '../api-keys/api-keys.service';
import { IS_PUBLIC, REQUIRED_ROLES } from '../auth.decorators';
import { AuthenticatedRequest, Principal } from '../principal';
import { Role } from '../roles';
import { INVALID_TOKEN } from '../auth/jwt.strategy';

/**
 * Deny by default: an endpoint is reachable only if it is @Public() or declares @Roles(),
 * and then only by a caller holding one of those roles. Callers authenticate with a JWT
 * (Authorization: Bearer, verified by passport-jwt) or an API key (X-API-Key).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeys,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();

    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      // The throttler guard has verified the key already when it authenticates.
      const principal = req.principal?.kind === 'api_key' ? req.principal : await this.apiKeys.authenticate(apiKey);
      if (!principal) throw new UnauthorizedException('invalid or revoked API key');
      req.principal = principal;
    } else {
      if (!req.headers.authorization) throw new UnauthorizedException('authentication required');
      await super.canActivate(context); // throws 401 through handleRequest on any bad token
      req.principal = req.user as Principal;
    }

    if (!roles || roles.length === 0) throw new ForbiddenException('this endpoint declares no roles');
    if (!req.principal.roles.some((role) => roles.includes(role))) {
      throw new ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }

  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error instanceof UnauthorizedException) throw error;
    // passport-jwt's reasons name the issuer and audience it expected: never echo them.
    if (error || !user) throw new UnauthorizedException(INVALID_TOKEN);
    return user;
  }
}
