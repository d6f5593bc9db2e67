import { HttpException, HttpStatus } from '@nestjs/common';
import { Response } from 'express';
import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { Principal } from '../principal';
import { LeasedQuota, ReserveQuota } from './quota-lease';

const MINUTE_MS = 60_000;

/**
 * Each API key's own requests-per-minute quota, counted in Redis, so every API process shares it.
 * It replaces the per-IP hourly limit for a key that authenticates: a producer's gateway sends
 * from one address all day, and its quota is what an admin granted it. Large quotas are leased in
 * small parts (LeasedQuota), so a busy producer does not cost a Redis round trip per request.
 */
export class ApiKeyQuota {
  private readonly quota: LeasedQuota;

  constructor(reserve: ReserveQuota) {
    this.quota = new LeasedQuota(reserve);
  }

  /** Counts one request of the key; throws 429 with Retry-After once its minute's quota is used up. */
  async consume(principal: Principal, res: Response): Promise<void> {
    if (principal.kind !== 'api_key' || !principal.apiKeyId || !principal.apiKeyQuotaPerMinute) return;
    const quota = principal.apiKeyQuotaPerMinute;
    const decision = await this.quota.take(principal.apiKeyId, MINUTE_MS, quota);
    if (decision.allowed) return;
    pipelineMetrics.throttled.inc({ limit: 'api-key' });
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      `this API key's quota of ${quota} requests a minute is used up; retry after ${retryAfter} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
