import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { DatabaseModule } from '../database/database.module';
import { MlFeedbackModule } from '../ml/ml-feedback.module';
import { SecurityModule } from '../security/security.module';
import { ViolationsController } from './api/violations.controller';
import { CasesService } from './cases.service';
import { ViolationsRepository } from './persistence/violations.repository';
import { ViolationRecorder } from './violation-recorder';
import { ViolationStage } from './violation.stage';
import { ViolationSweeper } from './violation-sweeper';

/**
 * Stage 4 (findings → violations), the sweep of findings no batch converts, and the case workflow
 * API. The stage and the sweep register with the pipeline's registries; nothing is exported: the
 * alerting stage reads the violation_changes hand-off table. A case decision also feeds the ML
 * evaluation (MlFeedback) and today's analytics counts (LiveRollupCounts), through the services those
 * modules export, in the decision's transaction.
 */
@Module({
  imports: [DatabaseModule, SecurityModule, AnalyticsModule, MlFeedbackModule],
  controllers: [ViolationsController],
  providers: [
    ViolationsRepository,
    ViolationRecorder,
    ViolationStage,
    ViolationSweeper,
    CasesService,
  ],
})
export class ViolationsModule {}
