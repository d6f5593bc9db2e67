import { Injectable, OnModuleInit } from '@nestjs/common';
import { ScheduledTasks } from '../../pipeline/scheduled-tasks';
import { RollupMaintainer } from './rollup-maintainer';

export const ROLLUP_TASK = 'analytics-rollups';
/** The full recompute from raw data: on demand only, on a worker. */
export const ROLLUP_REBUILD_TASK = 'analytics-rollups-rebuild';
/** Analytics lag the pipeline by at most this (plus a fold's own time). */
export const ROLLUP_EVERY_MS = 20_000;

/** The maintainer runs as a job scheduler on the maintenance queue: one worker per tick, fleet-wide. */
@Injectable()
export class RollupSchedule implements OnModuleInit {
  constructor(
    private readonly tasks: ScheduledTasks,
    private readonly maintainer: RollupMaintainer,
  ) {}

  onModuleInit(): void {
    this.tasks.register({
      name: ROLLUP_TASK,
      schedule: { every: ROLLUP_EVERY_MS },
      run: () => this.maintainer.fold(),
    });
    this.tasks.register({ name: ROLLUP_REBUILD_TASK, run: () => this.maintainer.rebuild() });
  }
}
