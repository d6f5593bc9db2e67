import { Injectable } from '@nestjs/common';
import { PipelineStage } from './pipeline.constants';
import { PassThroughStage } from './pass-through.stage';

/** What a stage's domain service does with one batch. Must be idempotent: it may run twice. */
export interface StageHandler {
  readonly stage: PipelineStage;
  /** false for a stage whose domain logic has not landed yet (it hands batches on unchanged) */
  readonly implemented: boolean;
  handle(batchId: string): Promise<void>;
}

/**
 * Domain modules register the handler of their stage here; a stage nobody registered passes
 * batches through. Keeps the pipeline module free of imports of the domain modules.
 */
@Injectable()
export class StageHandlers {
  private readonly handlers = new Map<PipelineStage, StageHandler>();

  register(handler: StageHandler): void {
    this.handlers.set(handler.stage, handler);
  }

  for(stage: PipelineStage): StageHandler {
    let handler = this.handlers.get(stage);
    if (!handler) {
      handler = new PassThroughStage(stage);
      this.handlers.set(stage, handler);
    }
    return handler;
  }
}
