import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { Response } from 'express';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { ApiKeys } from '../api-keys/api-keys.service';
import { AuthenticatedRequest } from '../principal';
import { ApiKeyQuota } from './api-key-quota';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const LOGIN_ROUTE = 'throttle:login';
/** Marks the login route for the stricter brute-force throttlers. */
export const LoginThrottle = () => SetMetadata(LOGIN_ROUTE, true);

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function isLogin(reflector: Reflector, context: ExecutionContext): boolean {
  return reflector.get<boolean>(LOGIN_ROUTE, context.getHandler()) === true;
}

/** Set by AppThrottlerGuard only for an API key that authenticated; an unknown key stays anonymous. */
function isProducer(context: ExecutionContext): boolean {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().principal?.kind === 'api_key';
}

/**
 * - default: THROTTLE_PER_IP_PER_HOUR (10,000) requests an hour per client IP, on all routes together,
 *   for anonymous and JWT callers; a request with an API key that authenticates counts against that
 *   key's own per-minute quota instead (ApiKeyQuota);
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
      { name: 'default', ttl: HOUR_MS, limit: limits.perIpPerHour, skipIf: isProducer },
      { name: 'login-ip', ttl: MINUTE_MS, limit: limits.loginPerMinute, blockDuration: 5 * MINUTE_MS, skipIf: (ctx) => !isLogin(reflector, ctx) },
      {
        name: 'login-account',
        ttl: MINUTE_MS,
        limit: limits.loginPerMinute,
        blockDuration: 5 * MINUTE_MS,
        skipIf: (ctx) => !isLogin(reflector, ctx),
        getTracker: (req) => loginAccountKey(req.body?.email),
      },
    ],
  };
}

/**
 * The stock guard, plus a plain Retry-After header whichever named throttler tripped, plus the
 * producer rule: a request whose X-API-Key authenticates is limited by that key's quota, not by
 * the per-IP hourly limit. The key is resolved here, before the per-IP count, because only a key
 * that authenticates may skip it (a made-up key is an anonymous caller). ApiKeys caches verified
 * keys in memory, and a key's quota is leased in parts, so an ingest request costs no Redis call here
 * most of the time.
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  private readonly keyQuota: ApiKeyQuota;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly apiKeys: ApiKeys,
  ) {
    super(options, storage, reflector);
    if (!(storage instanceof RedisThrottlerStorage)) throw new Error('API key quotas need the Redis throttler storage');
    this.keyQuota = new ApiKeyQuota((...args) => storage.reserveQuota(...args));
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<AuthenticatedRequest>();
    const presented = req.headers['x-api-key'];
    if (typeof presented === 'string' && presented.length > 0) {
      const producer = await this.apiKeys.authenticate(presented);
      if (producer) {
        // AccessGuard takes the principal from here rather than verifying the key twice.
        req.principal = producer;
        await this.keyQuota.consume(producer, http.getResponse<Response>());
      }
    }
    return super.canActivate(context);
  }

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

/**
 * The account a login attempt counts against. This runs before validation, so the body is whatever
 * the client sent: only a string is an e-mail (String() of an object can throw, or be chosen by the
 * client to land on someone else's counter).
 */
export function loginAccountKey(email: unknown): string {
  return typeof email === 'string' && email.length > 0 ? email.toLowerCase().slice(0, 254) : 'no-email';
}
