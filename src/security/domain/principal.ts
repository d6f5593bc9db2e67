import type { Role } from './roles';

/** Who is calling: a user (JWT) or a service account's API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  /** users.id for both kinds (an API key belongs to a service-account user). */
  userId: string;
  /** api_keys.id when kind = api_key */
  apiKeyId?: string;
  /** the refresh-token family (session) of a user's access token */
  sessionId?: string;
  email?: string;
  roles: Role[];
  /** requests per minute allowed for this API key */
  apiKeyQuotaPerMinute?: number;
}
