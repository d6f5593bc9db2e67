import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { requestIdOf } from '../common/http/request-id';
import type { Principal } from './domain/principal';

export type { Principal };

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
