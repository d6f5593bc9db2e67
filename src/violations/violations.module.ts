import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { DatabaseModule } from '../database/database.module';
import { MlFeedbackModule } from '../ml/ml-feedback.module';
import { SecurityModule } from '../security/security.module';
import { ViolationsController } from './api/violations.controller';
import { CasesService } from './cases.service';
import { ViolationsRepository } from './persistence/violations.repository';
import { ViolationRecorder } from './violation-recorder';
import { ViolationHandOff } from './violation-hand-off';
import { ViolationStage } from './violation.stage';
import { ViolationSweeper } from './violation-sweeper';

/**
 * Stage 4 (findings → violations), the sweep of findings no batch converts, and the case workflow
 * API. The stage and the sweep register with the pipeline's registries. ViolationHandOff is
 * exported: the alerting module consumes the violation_changes hand-off and escalates unacknowledged
 * critical cases through it, so the violation tables are written by this module alone. A case decision also feeds the ML
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
    ViolationHandOff,
  ],
  exports: [ViolationHandOff],
})
export class ViolationsModule {}
