import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { QuotaLeaseGrant } from './quota-lease';

/**
 * Fixed-window counters in Redis, so limits hold across every API process. One Lua call per
 * check: count the hit, start the window on the first one, and block for `blockDuration` once
 * the limit is passed. Defined as an ioredis command, so each check sends EVALSHA and the SHA1
 * (the script only once per connection, when Redis answers NOSCRIPT), not the script text:
 * checks run on every request.
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}
`;

/** See LeasedQuota: grant up to ARGV[3] requests, at most a quarter of what is left, at least one while any is. */
const RESERVE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local remaining = tonumber(ARGV[2]) - used
local granted = 0
if remaining > 0 then
  granted = math.max(1, math.min(tonumber(ARGV[3]), math.floor(remaining / 4)))
  redis.call('INCRBY', KEYS[1], granted)
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {granted, ttl}
`;

type ThrottleCommand = {
  throttleReserve(countKey: string, windowMs: string, limit: string, maxLease: string): Promise<[number, number]>;
  throttleIncrement(hitsKey: string, blockedKey: string, ttl: string, limit: string, block: string): Promise<[number, number, number]>;
};

export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: ThrottleCommand;
  private lastWarning = 0;

  constructor(
    redis: Redis,
    private readonly prefix = 'throttle',
  ) {
    if (!(redis as unknown as Partial<ThrottleCommand>).throttleIncrement) {
      redis.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
      redis.defineCommand('throttleReserve', { numberOfKeys: 1, lua: RESERVE });
    }
    this.redis = redis as unknown as ThrottleCommand;
  }

  /**
   * Fails open: with Redis away the API keeps answering (health first of all) unthrottled,
   * and says so in the log, rather than turning every request into a 500.
   */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      return await this.count(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.warnUnreachable(error);
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  /**
   * Leases up to `maxLease` requests of a quota window (LeasedQuota's ReserveQuota). Fails open like
   * increment(): with Redis away, one request is granted.
   */
  async reserveQuota(key: string, windowMs: number, limit: number, maxLease: number): Promise<QuotaLeaseGrant> {
    try {
      const [granted, ttlMs] = await this.redis.throttleReserve(
        `${this.prefix}:lease:${key}`,
        String(windowMs),
        String(limit),
        String(maxLease),
      );
      return { granted, ttlMs };
    } catch (error) {
      this.warnUnreachable(error);
      return { granted: 1, ttlMs: 1_000 };
    }
  }

  private warnUnreachable(error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning > 10_000) {
      this.lastWarning = now;
      this.logger.warn(`throttling suspended, Redis unreachable: ${(error as Error).message}`);
    }
  }

  private async count(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:${throttlerName}:${key}`;
    const [hits, ttlMs, blockedMs] = await this.redis.throttleIncrement(
      `${base}:hits`,
      `${base}:blocked`,
      String(ttl),
      String(limit),
      String(blockDuration > 0 ? blockDuration : ttl),
    );
    const isBlocked = blockedMs > 0;
    return {
      totalHits: hits,
      timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil(blockedMs / 1000)) : 0,
    };
  }
}
