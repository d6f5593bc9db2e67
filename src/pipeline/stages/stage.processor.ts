import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { StageJob } from '../pipeline.constants';
import { StageHandler } from '../stage-handler';
import { StageRunner } from '../stage-runner.service';

/** Shared glue of the five stage processors: check, delegate, return. */
export abstract class StageProcessor extends WorkerHost {
  protected constructor(
    private readonly runner: StageRunner,
    private readonly handler: StageHandler,
  ) {
    super();
  }

  async process(job: Job<StageJob>): Promise<void> {
    await this.runner.run(job, this.handler);
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<StageJob> | undefined, error: Error): Promise<void> {
    await this.runner.onFailed(this.handler.stage, job, error);
  }
}
