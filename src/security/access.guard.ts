import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';
import { Role } from './roles';

export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  email?: string;
  roles: Role[];
}

/**
 * Deny by default: an endpoint is reachable only if it is @Public() or declares @Roles(),
 * and then only by a principal holding one of those roles.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    const principal = context.switchToHttp().getRequest<{ principal?: Principal }>().principal;
    if (!principal) throw new UnauthorizedException('authentication required');
    if (!roles || roles.length === 0) throw new ForbiddenException('this endpoint declares no roles');
    if (!principal.roles.some((role) => roles.includes(role))) {
      throw new ForbiddenException(`requires one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
