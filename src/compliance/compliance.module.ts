import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { SecurityModule } from '../security/security.module';
import { RulesController } from './api/rules.controller';
import { ViewersController } from './api/viewers.controller';
import { BacktestService } from './backtest/backtest.service';
import { ComplianceScheduledChecks } from './compliance-scheduled-checks';
import { ComplianceStage } from './compliance.stage';
import { ComplianceStateStore } from './persistence/compliance-state.store';
import { ActiveRules } from './rules/active-rules';
import { RuleStore } from './rules/rule-store';
import { RulesService } from './rules/rules.service';
import { ViewerRecordsService } from './viewers/viewer-records.service';

/**
 * Stage 2 of the pipeline (rules over events and viewer state), the time-driven checks, the rules API
 * with back-testing, and the viewer ledger API. The stage and the schedules register themselves with
 * the pipeline's registries (StageHandlers, ScheduledTasks); nothing else is exported.
 */
@Module({
  imports: [DatabaseModule, SecurityModule],
  controllers: [RulesController, ViewersController],
  providers: [
    ComplianceStateStore,
    RuleStore,
    ActiveRules,
    ComplianceStage,
    ComplianceScheduledChecks,
    RulesService,
    BacktestService,
    ViewerRecordsService,
  ],
})
export class ComplianceModule {}
