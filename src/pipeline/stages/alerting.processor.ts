import { Processor } from '@nestjs/bullmq';
import { QueueName } from '../pipeline.constants';
import { PassThroughStage } from '../pass-through.stage';
import { StageRunner } from '../stage-runner.service';
import { StageProcessor } from './stage.processor';

/** Stage: alerting. Pass-through until its domain logic lands (see README, "What is built"). */
@Processor(QueueName.alerting)
export class AlertingProcessor extends StageProcessor {
  constructor(runner: StageRunner) {
    super(runner, new PassThroughStage('alerting'));
  }
}
