import { indexStageHandlers, StageHandler } from './stage-handler';
import { PIPELINE_STAGES, PipelineStage } from './pipeline.constants';

const handler = (): StageHandler => ({ handle: async () => undefined });
const all = () => PIPELINE_STAGES.map((stage: PipelineStage) => ({ stage, handler: handler(), name: `${stage}Stage` }));

describe('indexStageHandlers', () => {
  it('maps every stage to its one handler', () => {
    const found = all();
    const index = indexStageHandlers(found);
    for (const entry of found) expect(index.get(entry.stage)).toBe(entry.handler);
  });

  it('refuses to boot when a stage has no handler, naming it', () => {
    expect(() => indexStageHandlers(all().filter((e) => e.stage !== 'ml'))).toThrow(/no handler for pipeline stage\(s\) ml/);
  });

  it('refuses two handlers for one stage, naming both', () => {
    expect(() => indexStageHandlers([...all(), { stage: 'violation', handler: handler(), name: 'OtherViolations' }])).toThrow(
      /violation has two handlers: violationStage and OtherViolations/,
    );
  });
});
