import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerException, ThrottlerGuard, ThrottlerModuleOptions } from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { Response } from 'express';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { AuthenticatedRequest } from '../principal';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const LOGIN_ROUTE = 'throttle:login';
/** Marks the login route for the stricter brute-force throttlers. */
export const LoginThrottle = () => SetMetadata(LOGIN_ROUTE, true);

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function isLogin(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.get<boolean>(LOGIN_ROUTE, context.getHandler()) === true;
}

/**
 * - default: THROTTLE_PER_IP_PER_HOUR (10,000) requests an hour per client IP, on all routes together;
 * - login-ip / login-account: THROTTLE_LOGIN_PER_MINUTE (10) login attempts a minute per IP and per account
 *   (the e-mail tried), blocked for 5 minutes past that;
 * The client IP is Express's req.ip: X-Forwarded-For counts only from TRUSTED_PROXIES.
 */
export function throttlerOptions(
  redis: Redis,
  reflector: Reflector,
  limits: AppConfig['throttle'],
  keyPrefix: string,
): ThrottlerModuleOptions {
  return {
    // Counters live under the deployment's prefix, so two deployments sharing a Redis never
    // throttle each other.
    storage: new RedisThrottlerStorage(redis, `${keyPrefix}:throttle`),
    // Limits are per client (or account), across all routes; the stock key is per route.
    generateKey: (_ctx, tracker, name) => `${name}:${tracker}`,
    throttlers: [
      { name: 'default', ttl: HOUR_MS, limit: limits.perIpPerHour },
      { name: 'login-ip', ttl: MINUTE_MS, limit: limits.loginPerMinute, blockDuration: 5 * MINUTE_MS, skipIf: (ctx) => !isLogin(reflector, ctx) },
      {
        name: 'login-account',
        ttl: MINUTE_MS,
        limit: limits.loginPerMinute,
        blockDuration: 5 * MINUTE_MS,
        skipIf: (ctx) => !isLogin(reflector, ctx),
        getTracker: (req) => String(req.body?.email ?? '').toLowerCase().slice(0, 254) || 'no-email',
      },
    ],
  };
}

/** The stock guard, plus a plain Retry-After header whichever named throttler tripped. */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    return String((req as unknown as AuthenticatedRequest).ip ?? 'unknown');
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const res = context.switchToHttp().getResponse<Response>();
    const retryAfter = Math.max(1, detail.timeToBlockExpire || detail.timeToExpire);
    res.setHeader('Retry-After', String(retryAfter));
    pipelineMetrics.throttled.inc({ limit: detail.key.split(':')[0] });
    const who = detail.key.startsWith('login-account:') ? 'for this account' : 'from this client';
    throw new ThrottlerException(`too many requests ${who}; retry after ${retryAfter} s`);
  }
}
