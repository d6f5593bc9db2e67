import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { runsWorkers } from '../pipeline/pipeline.module';
import { SecurityModule } from '../security/security.module';
import { ReportsController } from './api/reports.controller';
import { ReportSchedule } from './report-schedule';
import { REPORT_JOB_OPTIONS, REPORTS_QUEUE } from './reports.constants';
import { ReportsProcessor } from './reports.processor';
import { ReportsRepository } from './persistence/reports.repository';
import { ReportsService } from './reports.service';

/**
 * Executive, compliance and performance reports (JSON, CSV, PDF with charts), generated on the
 * `reports` queue — worked only where APP_ROLE runs workers — on request or by the daily schedule.
 */
@Module({})
export class ReportingModule {
  static register(config: AppConfig): DynamicModule {
    const workers: Provider[] = runsWorkers(config) ? [ReportsProcessor] : [];
    return {
      module: ReportingModule,
      imports: [
        DatabaseModule,
        SecurityModule,
        AnalyticsModule,
        BullModule.registerQueue({ name: REPORTS_QUEUE, defaultJobOptions: REPORT_JOB_OPTIONS }),
      ],
      controllers: [ReportsController],
      providers: [ReportsRepository, ReportsService, ReportSchedule, ...workers],
    };
  }
}
