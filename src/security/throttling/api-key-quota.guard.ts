import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Response } from 'express';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../database/redis.module';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { AuthenticatedRequest } from '../principal';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const MINUTE_MS = 60_000;

/**
 * Each API key's own requests-per-minute quota, counted in Redis across API processes.
 * Runs after authentication (it needs to know the key), unlike the per-IP throttlers.
 */
@Injectable()
export class ApiKeyQuotaGuard implements CanActivate {
  private readonly storage: RedisThrottlerStorage;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    this.storage = new RedisThrottlerStorage(redis, `${config.queuePrefix}:throttle`);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (principal?.kind !== 'api_key' || !principal.apiKeyId || !principal.apiKeyQuotaPerMinute) return true;
    const record = await this.storage.increment(principal.apiKeyId, MINUTE_MS, principal.apiKeyQuotaPerMinute, 0, 'api-key');
    if (!record.isBlocked) return true;
    pipelineMetrics.throttled.inc({ limit: 'api-key' });
    const retryAfter = Math.max(1, record.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `this API key's quota of ${principal.apiKeyQuotaPerMinute} requests a minute is used up; retry after ${retryAfter} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
