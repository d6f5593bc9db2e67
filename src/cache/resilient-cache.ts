import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { globMatcher } from './cache-pattern';
import { MemoryStore } from './memory-store';

export const CACHE_REDIS = Symbol('CACHE_REDIS');
export const CACHE_OPTIONS = Symbol('CACHE_OPTIONS');

export interface CacheOptions {
  /** Prefix of every key this cache writes, e.g. `ott:cache:` (the queue prefix keeps deployments apart). */
  namespace: string;
  /** A Redis command slower than this counts as Redis being away. */
  commandTimeoutMs: number;
  /** After a failure, Redis is left alone this long before it is tried again. */
  retryAfterMs: number;
  memoryMaxEntries: number;
  /** Entries in process memory live at most this long: other processes cannot invalidate them. */
  memoryMaxTtlSeconds: number;
}

export const DEFAULT_CACHE_OPTIONS: Omit<CacheOptions, 'namespace'> = {
  commandTimeoutMs: 250,
  retryAfterMs: 5_000,
  memoryMaxEntries: 5_000,
  memoryMaxTtlSeconds: 30,
};

export type CacheBackend = 'redis' | 'memory';

export interface CacheStats {
  backend: CacheBackend;
  fallbackActive: boolean;
  redisStatus: string;
  namespace: string;
  /** keys under the namespace in Redis (SCAN, stops counting at 100,000), null when Redis is away */
  redisKeys: number | null;
  memoryEntries: number;
  /** lookups by this process since it started */
  requests: Record<CacheBackend, { hits: number; misses: number }>;
  hitRatio: number | null;
  generations: Record<string, string>;
}

class RedisUnavailable extends Error {}

const SCAN_COUNT = 500;
const STATS_KEY_LIMIT = 100_000;

/**
 * A Redis cache that keeps answering when Redis does not: every operation goes to Redis while it
 * is reachable and to a bounded in-process store while it is not (ott_cache_fallback_active = 1).
 * Reads of several keys are one MGET, writes of several one pipeline of SET … EX; invalidation by
 * pattern walks SCAN (never KEYS) and UNLINKs page by page.
 *
 * Generations: a reader puts the current generation of the data it depends on into its key
 * (`gen:<name>`); a writer that changes that data bumps the generation, which retires every key
 * built on the old one at once (they expire by TTL). A missing generation starts at the current
 * time in ms, so a generation deleted by hand never comes back to a value an old key used.
 */
@Injectable()
export class ResilientCache {
  private readonly logger = new Logger(ResilientCache.name);
  private readonly memory: MemoryStore;
  private readonly options: CacheOptions;
  private redisDownUntil = 0;
  private fallback = false;
  private readonly counts: Record<CacheBackend, { hits: number; misses: number }> = {
    redis: { hits: 0, misses: 0 },
    memory: { hits: 0, misses: 0 },
  };
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(CACHE_REDIS) private readonly redis: Redis,
    @Inject(CACHE_OPTIONS) options: Partial<CacheOptions> & Pick<CacheOptions, 'namespace'>,
  ) {
    this.options = { ...DEFAULT_CACHE_OPTIONS, ...options };
    this.memory = new MemoryStore(this.options.memoryMaxEntries);
  }

  get namespace(): string {
    return this.options.namespace;
  }

  /** Where the next operation goes. */
  backend(): CacheBackend {
    return this.redisUsable() ? 'redis' : 'memory';
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.mget<T>([key]))[0];
  }

  /** Several keys in one round trip; counts a hit or a miss per key. */
  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const full = keys.map((k) => this.key(k));
    const raw = await this.withRedis<{ backend: CacheBackend; values: (string | null | undefined)[] }>(
      async (redis) => ({ backend: 'redis' as const, values: await redis.mget(...full) }),
      () => ({ backend: 'memory' as const, values: full.map((k) => this.memory.get(k) ?? null) }),
    );
    return raw.values.map((value) => {
      const hit = value !== null && value !== undefined;
      this.count(raw.backend, hit);
      return hit ? (JSON.parse(value) as T) : undefined;
    });
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.mset([{ key, value, ttlSeconds }]);
  }

  /** Several entries, each with its TTL, in one pipeline (one round trip). */
  async mset(entries: { key: string; value: unknown; ttlSeconds: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const encoded = entries.map((e) => ({
      key: this.key(e.key),
      value: JSON.stringify(e.value),
      ttl: Math.max(1, Math.round(e.ttlSeconds)),
    }));
    await this.withRedis(
      async (redis) => {
        const pipeline = redis.pipeline();
        for (const e of encoded) pipeline.set(e.key, e.value, 'EX', e.ttl);
        throwPipelineError(await pipeline.exec());
      },
      () => {
        for (const e of encoded)
          this.memory.set(e.key, e.value, Math.min(e.ttl, this.options.memoryMaxTtlSeconds));
      },
    );
  }

  /**
   * Read-through: the cached value, or `load()`'s result stored for `ttlSeconds`. Concurrent misses
   * of one key in this process share one load.
   */
  async wrap<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const loading = (async () => {
      const value = await load();
      await this.set(key, value, ttlSeconds);
      return value;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, loading);
    return loading;
  }

  /** Current generations of the named data sets, in one round trip. */
  async generations(names: string[]): Promise<Record<string, string>> {
    if (names.length === 0) return {};
    const keys = names.map((n) => this.key(`gen:${n}`));
    const values = await this.withRedis(
      async (redis) => {
        let found = await redis.mget(...keys);
        if (found.some((v) => v === null)) {
          const pipeline = redis.pipeline();
          for (const [i, key] of keys.entries())
            if (found[i] === null) pipeline.set(key, String(Date.now()), 'NX');
          throwPipelineError(await pipeline.exec());
          found = await redis.mget(...keys);
        }
        return found;
      },
      () =>
        keys.map((key) => {
          const value = this.memory.get(key);
          if (value !== undefined) return value;
          const start = String(Date.now());
          this.memory.set(key, start, 7 * 86_400);
          return start;
        }),
    );
    return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '0']));
  }

  /** Retires every key built on these generations. */
  async bump(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const keys = names.map((n) => this.key(`gen:${n}`));
    await this.withRedis(
      async (redis) => {
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.set(key, String(Date.now()), 'NX').incr(key);
        throwPipelineError(await pipeline.exec());
      },
      () => keys.forEach((key) => this.memory.incr(key)),
    );
  }

  /** Deletes the keys the pattern (relative to the namespace) matches, in Redis and in memory. */
  async invalidate(pattern: string): Promise<{ deleted: number; backend: CacheBackend }> {
    const match = this.key(pattern);
    const fromMemory = this.memory.deleteMatching(globMatcher(match));
    const result = await this.withRedis<{ deleted: number; backend: CacheBackend }>(
      async (redis) => {
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
          cursor = next;
          if (keys.length > 0) deleted += await redis.unlink(...keys);
        } while (cursor !== '0');
        return { deleted, backend: 'redis' as const };
      },
      () => ({ deleted: 0, backend: 'memory' as const }),
      // A long SCAN is not a sign of Redis being away: no per-command timeout here.
      false,
    );
    return { deleted: result.deleted + fromMemory, backend: result.backend };
  }

  async stats(generationNames: string[] = []): Promise<CacheStats> {
    const redisKeys = await this.withRedis(
      async (redis) => {
        let cursor = '0';
        let count = 0;
        do {
          const [next, keys] = await redis.scan(
            cursor,
            'MATCH',
            `${this.options.namespace}*`,
            'COUNT',
            SCAN_COUNT,
          );
          cursor = next;
          count += keys.length;
        } while (cursor !== '0' && count < STATS_KEY_LIMIT);
        return count;
      },
      () => null,
      false,
    );
    const { redis: r, memory: m } = this.counts;
    const lookups = r.hits + r.misses + m.hits + m.misses;
    return {
      backend: this.backend(),
      fallbackActive: this.fallback,
      redisStatus: this.redis.status,
      namespace: this.options.namespace,
      redisKeys,
      memoryEntries: this.memory.size,
      requests: { redis: { ...r }, memory: { ...m } },
      hitRatio: lookups === 0 ? null : (r.hits + m.hits) / lookups,
      generations: await this.generations(generationNames),
    };
  }

  private key(key: string): string {
    return `${this.options.namespace}${key}`;
  }

  private count(backend: CacheBackend, hit: boolean): void {
    this.counts[backend][hit ? 'hits' : 'misses']++;
    pipelineMetrics.cacheRequests.inc({ result: hit ? 'hit' : 'miss', backend });
  }

  private redisUsable(): boolean {
    return this.redis.status === 'ready' && Date.now() >= this.redisDownUntil;
  }

  /** Runs `op` on Redis when it is usable, else (or when it fails) `fallback` in memory. */
  private async withRedis<T>(op: (redis: Redis) => Promise<T>, fallback: () => T, timed = true): Promise<T> {
    if (!this.redisUsable()) {
      this.setFallback(true, `redis is ${this.redis.status}`);
      return fallback();
    }
    try {
      const result = timed
        ? await withTimeout(op(this.redis), this.options.commandTimeoutMs)
        : await op(this.redis);
      this.setFallback(false);
      return result;
    } catch (error) {
      this.redisDownUntil = Date.now() + this.options.retryAfterMs;
      this.setFallback(true, (error as Error).message);
      return fallback();
    }
  }

  private setFallback(active: boolean, reason?: string): void {
    if (active === this.fallback) return;
    this.fallback = active;
    pipelineMetrics.cacheFallback.set(active ? 1 : 0);
    if (active) {
      this.logger.warn(`cache falls back to process memory: ${reason}`);
    } else {
      // What was kept in memory meanwhile may be stale by now and cannot be invalidated elsewhere.
      this.memory.clear();
      this.logger.log('cache is back on Redis');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailable(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function throwPipelineError(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}
