import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PIPELINE_STAGES, PipelineStage } from './pipeline.constants';

/** What a stage's domain service does with one batch. Must be idempotent: it may run twice. */
export interface StageHandler {
  handle(batchId: string): Promise<void>;
}

/**
 * Marks a feature module's provider as the handler of one pipeline stage: `@HandlesStage('ml')`.
 * The pipeline finds the handlers at boot, so it never imports the domain modules.
 */
export const HandlesStage = DiscoveryService.createDecorator<PipelineStage>();

/**
 * One handler per stage, or none: a missing or doubled handler is a wiring mistake that must stop
 * the process at boot rather than let batches through unchecked.
 */
export function indexStageHandlers(found: { stage: PipelineStage; handler: StageHandler; name: string }[]): Map<PipelineStage, StageHandler> {
  const byStage = new Map<PipelineStage, { handler: StageHandler; name: string }>();
  for (const entry of found) {
    const other = byStage.get(entry.stage);
    if (other) throw new Error(`stage ${entry.stage} has two handlers: ${other.name} and ${entry.name}`);
    byStage.set(entry.stage, entry);
  }
  const missing = PIPELINE_STAGES.filter((stage) => !byStage.has(stage));
  if (missing.length > 0) throw new Error(`no handler for pipeline stage(s) ${missing.join(', ')}: decorate one provider per stage with @HandlesStage`);
  return new Map([...byStage].map(([stage, entry]) => [stage, entry.handler]));
}

/** The stage handlers the feature modules declared, found once when the application boots. */
@Injectable()
export class StageHandlers implements OnModuleInit {
  private handlers = new Map<PipelineStage, StageHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = this.discovery.getProviders({ metadataKey: HandlesStage.KEY }).map((wrapper) => ({
      stage: this.discovery.getMetadataByDecorator(HandlesStage, wrapper) as PipelineStage,
      handler: wrapper.instance as StageHandler,
      name: wrapper.name,
    }));
    this.handlers = indexStageHandlers(found);
  }

  for(stage: PipelineStage): StageHandler {
    const handler = this.handlers.get(stage);
    if (!handler) throw new Error(`no handler for pipeline stage ${stage}`);
    return handler;
  }
}
