import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { redisOptionsFromUrl } from './redis-connection';

/** The app's own Redis connection (health, throttling, cache, rolling state); BullMQ keeps its own. */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis({
          ...redisOptionsFromUrl(config.redisUrl),
          // Commands fail fast when Redis is away, so callers can fall back instead of hanging.
          maxRetriesPerRequest: 1,
          enableOfflineQueue: true,
          connectionName: 'ott-app',
          // Commands issued in the same tick (every request's throttle checks, a stage's state
          // reads) go out in one write instead of one syscall each.
          enableAutoPipelining: true,
        }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect(); // never connected (Redis away): nothing to flush, do not wait
  }
}
