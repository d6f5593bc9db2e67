import { HttpException, HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { Principal } from '../principal';
import { ThrottlerStorage } from '@nestjs/throttler';

const MINUTE_MS = 60_000;

/**
 * Each API key's own requests-per-minute quota, counted in Redis, so every API process shares it.
 * It replaces the per-IP hourly limit for a key that authenticates: a producer's gateway sends
 * from one address all day, and its quota is what an admin granted it.
 */
export class ApiKeyQuota {
  constructor(private readonly storage: ThrottlerStorage) {}

  /** Counts one request of the key; throws 429 with Retry-After once its minute's quota is used up. */
  async consume(principal: Principal, res: Response): Promise<void> {
    if (principal.kind !== 'api_key' || !principal.apiKeyId || !principal.apiKeyQuotaPerMinute) return;
    const quota = principal.apiKeyQuotaPerMinute;
    const record = await this.storage.increment(principal.apiKeyId, MINUTE_MS, quota, 0, 'api-key');
    if (!record.isBlocked) return;
    pipelineMetrics.throttled.inc({ limit: 'api-key' });
    const retryAfter = Math.max(1, record.timeToBlockExpire);
    res.setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `this API key's quota of ${quota} requests a minute is used up; retry after ${retryAfter} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
