import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { MlFeedback } from './models/training-labels';
import { MlLabelsRepository } from './persistence/ml-labels.repository';

/**
 * The ML evaluation's ground truth as other modules add to it: MlFeedback, and nothing else. A static
 * module of its own so that the violations module can import it without the ML stage, the model
 * registry and the training queue that MlModule.register brings.
 */
@Module({
  imports: [DatabaseModule],
  providers: [MlLabelsRepository, MlFeedback],
  exports: [MlFeedback],
})
export class MlFeedbackModule {}
