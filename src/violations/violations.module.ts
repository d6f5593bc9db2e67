import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
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
 * alerting stage reads the violation_changes hand-off table.
 */
@Module({
  imports: [DatabaseModule, SecurityModule],
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
