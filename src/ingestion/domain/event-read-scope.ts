import type { Principal } from '../../security/domain/principal';
import { Role } from '../../security/domain/roles';

/** Roles that oversee the pipeline and may read any event's status. */
export const EVENT_OVERSEER_ROLES: readonly Role[] = [Role.Admin, Role.Operator, Role.ComplianceOfficer];

/**
 * Whose events a caller may read: everyone's for an overseer, otherwise only those its own
 * account sent (an ingest key reads what its service account's keys sent, never another
 * producer's viewers). Returns the sender account to filter on, or null for no filter.
 */
export function eventReadScope(principal: Pick<Principal, 'kind' | 'userId' | 'roles'>): { senderUserId: string } | null {
  if (principal.kind === 'user' && principal.roles.some((role) => EVENT_OVERSEER_ROLES.includes(role))) return null;
  return { senderUserId: principal.userId };
}
