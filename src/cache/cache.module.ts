import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../database/redis.module';
import { SecurityModule } from '../security/security.module';
import { CacheAdminController } from './cache-admin.controller';
import { CACHE_OPTIONS, CACHE_REDIS, CacheOptions, ResilientCache } from './resilient-cache';

/**
 * The read cache of analytics: Redis (the app's connection) with an in-memory fallback. Keys live
 * under `<QUEUE_PREFIX>:cache:`, so deployments (and test runs) sharing a Redis never read each
 * other's answers.
 */
@Module({
  imports: [SecurityModule],
  controllers: [CacheAdminController],
  providers: [
    { provide: CACHE_REDIS, useExisting: REDIS },
    {
      provide: CACHE_OPTIONS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Pick<CacheOptions, 'namespace'> => ({
        namespace: `${config.queuePrefix}:cache:`,
      }),
    },
    ResilientCache,
  ],
  exports: [ResilientCache],
})
export class CacheModule {}
