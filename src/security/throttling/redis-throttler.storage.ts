import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

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

type ThrottleCommand = {
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
      const now = Date.now();
      if (now - this.lastWarning > 10_000) {
        this.lastWarning = now;
        this.logger.warn(`throttling suspended, Redis unreachable: ${(error as Error).message}`);
      }
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
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
