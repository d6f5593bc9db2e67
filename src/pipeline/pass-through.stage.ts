import { PipelineStage } from './pipeline.constants';
import { StageHandler } from './stage-handler';

/**
 * A stage whose domain logic has not been built yet: it hands the batch on unchanged.
 * Named plainly so the README and event status can say which stages are still pass-through.
 */
export class PassThroughStage implements StageHandler {
  constructor(readonly stage: PipelineStage) {}

  async handle(): Promise<void> {
    // Nothing to do yet: the batch moves on.
  }
}
