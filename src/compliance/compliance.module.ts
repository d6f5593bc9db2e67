import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { runsWorkers } from '../pipeline/pipeline.module';
import { SecurityModule } from '../security/security.module';
import { LegalHoldsController } from './api/legal-holds.controller';
import { RulesController } from './api/rules.controller';
import { ViewerReportController } from './api/viewer-report.controller';
import { ViewersController } from './api/viewers.controller';
import { BacktestRuns } from './backtest/backtest-runs.service';
import { BACKTEST_JOB_OPTIONS, BACKTEST_QUEUE } from './backtest/backtest.constants';
import { BacktestProcessor } from './backtest/backtest.processor';
import { ComplianceScheduledChecks } from './compliance-scheduled-checks';
import { ComplianceStage } from './compliance.stage';
import { LateEventReevaluator } from './late-events/late-event-reevaluator';
import { LateEventsRepository } from './persistence/late-events.repository';
import { LegalHoldsService } from './legal-holds/legal-holds.service';
import { ConsentsRepository } from './persistence/consents.repository';
import { DsarRequestsRepository } from './persistence/dsar-requests.repository';
import { LegalHoldsRepository } from './persistence/legal-holds.repository';
import { BacktestRunsStore } from './persistence/backtest-runs.store';
import { ComplianceStateStore } from './persistence/compliance-state.store';
import { ViewerStatesRepository } from './persistence/viewer-states.repository';
import { ActiveRules } from './rules/active-rules';
import { RulesRepository } from './persistence/rules.repository';
import { RulesService } from './rules/rules.service';
import { ViewerRecordsService } from './viewers/viewer-records.service';
import { ViewerReportRepository } from './persistence/viewer-report.repository';
import { ViewerReportService } from './viewers/viewer-report.service';

/**
 * Stage 2 of the pipeline (rules over events and viewer state), the time-driven checks, the rules API
 * with back-testing, and the viewer ledger API. The stage and the schedules register themselves with
 * the pipeline (its stage handler, found by @HandlesStage, and ScheduledTasks); nothing else is exported. Back-tests run on
 * the `compliance-backtest` queue, worked only where APP_ROLE runs workers, never in the API process.
 */
@Module({})
export class ComplianceModule {
  static register(config: AppConfig): DynamicModule {
    const workers: Provider[] = runsWorkers(config) ? [BacktestProcessor] : [];
    return {
      module: ComplianceModule,
      imports: [
        DatabaseModule,
        SecurityModule,
        BullModule.registerQueue({ name: BACKTEST_QUEUE, defaultJobOptions: BACKTEST_JOB_OPTIONS }),
      ],
      controllers: [RulesController, ViewersController, ViewerReportController, LegalHoldsController],
      providers: [
        ComplianceStateStore,
        RulesRepository,
        ActiveRules,
        ComplianceStage,
        LateEventsRepository,
        LateEventReevaluator,
        ComplianceScheduledChecks,
        RulesService,
        BacktestRunsStore,
        BacktestRuns,
        ViewerRecordsService,
        ViewerReportRepository,
        ViewerReportService,
        LegalHoldsRepository,
        ConsentsRepository,
        DsarRequestsRepository,
        ViewerStatesRepository,
        LegalHoldsService,
        ...workers,
      ],
    };
  }
}
