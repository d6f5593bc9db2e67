import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { runsWorkers } from '../pipeline/pipeline.module';
import { SecurityModule } from '../security/security.module';
import { MlController } from './api/ml.controller';
import { MlFeedbackModule } from './ml-feedback.module';
import { RiskInsights } from './insights/risk-insights.service';
import { ActiveModel } from './models/active-model';
import { ML_TRAINING_QUEUE, TRAINING_JOB_OPTIONS } from './models/ml-training.constants';
import { MlModelsRepository } from './persistence/ml-models.repository';
import { ModelsService } from './models/models.service';
import { TrainingProcessor } from './models/training.processor';
import { TrainingService } from './models/training.service';
import { MlStage } from './stage/ml.stage';
import { RiskRecordsRepository } from './persistence/risk-records.repository';
import { TrainingRunsRepository } from './persistence/training-runs.repository';
import { RiskFactorStore } from './state/risk-factor-store';

/**
 * Stage 3 of the pipeline (rolling risk factors, scoring with the active model, anomaly findings), the
 * model registry with queued training and audited activation, and the risk API. The stage is declared
 * with @HandlesStage; training runs on the `ml-training` queue, worked only where APP_ROLE runs
 * workers. MlFeedbackModule is exported: other modules record labels for the evaluation through its MlFeedback.
 */
@Module({})
export class MlModule {
  static register(config: AppConfig): DynamicModule {
    const workers: Provider[] = runsWorkers(config) ? [TrainingProcessor] : [];
    return {
      module: MlModule,
      imports: [
        DatabaseModule,
        SecurityModule,
        MlFeedbackModule,
        BullModule.registerQueue({ name: ML_TRAINING_QUEUE, defaultJobOptions: TRAINING_JOB_OPTIONS }),
      ],
      controllers: [MlController],
      providers: [
        RiskFactorStore,
        RiskRecordsRepository,
        MlModelsRepository,
        TrainingRunsRepository,
        ActiveModel,
        MlStage,
        TrainingService,
        ModelsService,
        RiskInsights,
        ...workers,
      ],
      exports: [MlFeedbackModule],
    };
  }
}
