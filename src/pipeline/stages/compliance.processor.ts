import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { QueueName } from '../pipeline.constants';
import { StageHandlers } from '../stage-handler';
import { StageRunner } from '../stage-runner.service';
import { STAGE_WORKER_OPTIONS, StageProcessor } from './stage.processor';

/** Stage: compliance. Runs the handler its domain module registered (pass-through until one does). */
@Processor({ name: QueueName.compliance }, STAGE_WORKER_OPTIONS)
export class ComplianceProcessor extends StageProcessor {
  constructor(runner: StageRunner, handlers: StageHandlers, @Inject(APP_CONFIG) config: AppConfig) {
    super('compliance', runner, handlers, config.workerConcurrency);
  }
}
