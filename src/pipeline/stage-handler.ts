import { PipelineStage } from './pipeline.constants';

/** What a stage's domain service does with one batch. Must be idempotent: it may run twice. */
export interface StageHandler {
  readonly stage: PipelineStage;
  handle(batchId: string): Promise<void>;
}
