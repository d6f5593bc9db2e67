import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { requestIdOf } from '../common/http/request-id';
import { Role } from './roles';

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

export interface RequestContext {
  principal?: Principal;
  requestId: string;
  ip: string;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

export function requestContextOf(req: AuthenticatedRequest): RequestContext {
  return { principal: req.principal, requestId: requestIdOf(req), ip: req.ip ?? 'unknown' };
}

/** The caller and request facts an audited action needs. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext =>
  requestContextOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** Audit actor fields from a request context. */
export function auditActor(ctx: RequestContext) {
  return {
    actorType: (ctx.principal?.kind ?? 'system') as 'user' | 'api_key' | 'system',
    actorId: ctx.principal ? (ctx.principal.apiKeyId ?? ctx.principal.userId) : null,
    requestId: ctx.requestId,
    ip: ctx.ip,
  };
}
