import { PipelineStage } from './pipeline.constants';
import type { StageHandler } from './stage-handler';

/**
 * A stage whose domain logic has not been built yet: it hands the batch on unchanged.
 * Named plainly so the README and an event's status can say which stages are pass-through.
 */
export class PassThroughStage implements StageHandler {
  readonly implemented = false;

  constructor(readonly stage: PipelineStage) {}

  async handle(): Promise<void> {
    // Nothing to do yet: the batch moves on.
  }
}
