import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheModule } from '../cache/cache.module';
import { DatabaseModule } from '../database/database.module';
import { SecurityModule } from '../security/security.module';
import { AnalyticsService } from './analytics.service';
import { AnalyticsController } from './api/analytics.controller';
import { RollupQueries } from './persistence/rollup-queries';
import { RollupWatermarksRepository } from './persistence/rollup-watermarks.repository';
import { RollupsRepository } from './persistence/rollups.repository';
import { sqlOf } from './persistence/sql';
import { ROLLUP_FIGURES } from './rollup-figures';
import { LiveRollupCounts } from './rollups/live-rollup-counts';
import { RollupMaintainer } from './rollups/rollup-maintainer';
import { RollupSchedule } from './rollups/rollup-schedule';

/**
 * Rollups kept current by a scheduled maintainer (and rebuilt on demand), and the analytics API that
 * reads them through the cache. Reports read them through ROLLUP_FIGURES; the rollup queries themselves stay inside.
 * The case workflow adds a resolved case to today's counts through LiveRollupCounts.
 */
@Module({
  imports: [DatabaseModule, SecurityModule, CacheModule],
  controllers: [AnalyticsController],
  providers: [
    {
      provide: RollupQueries,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new RollupQueries(sqlOf(dataSource)),
    },
    { provide: ROLLUP_FIGURES, useExisting: RollupQueries },
    RollupsRepository,
    RollupWatermarksRepository,
    RollupMaintainer,
    LiveRollupCounts,
    RollupSchedule,
    AnalyticsService,
  ],
  exports: [ROLLUP_FIGURES, AnalyticsService, LiveRollupCounts],
})
export class AnalyticsModule {}
