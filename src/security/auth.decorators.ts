import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Role } from './roles';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** Open by design (health, login, docs). Everything else is denied unless it declares roles. */
export const Public = (isPublic = true) => SetMetadata(IS_PUBLIC, isPublic);

/**
 * Declares who may call an endpoint, and documents it in Swagger, in one place.
 * A caller needs at least one of the listed roles.
 */
export function Roles(...roles: Role[]) {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    ApiBearerAuth('bearer'),
    ...(roles.includes(Role.Ingest) ? [ApiSecurity('api-key')] : []),
    ApiExtension('x-roles', roles),
    ApiUnauthorizedResponse({ description: 'No valid credentials' }),
    ApiForbiddenResponse({ description: `Requires one of: ${roles.join(', ')}` }),
  );
}
