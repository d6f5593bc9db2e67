import { Injectable } from '@nestjs/common';
import { RepeatOptions } from 'bullmq';

export interface ScheduledTask {
  /** unique job name on the maintenance queue */
  name: string;
  /**
   * cron pattern or interval, as BullMQ job schedulers take them; none for work that only runs when
   * asked (a full rollup rebuild), which still runs on a worker, never in the API process
   */
  schedule?: Pick<RepeatOptions, 'pattern' | 'every'>;
  run(): Promise<unknown>;
}

/**
 * Time-driven work of any module (DSR deadlines, retention, partition upkeep, the stall
 * sweeper) registered in one place and run as BullMQ job schedulers on the maintenance
 * queue, so exactly one worker runs each tick however many processes are up.
 */
@Injectable()
export class ScheduledTasks {
  private readonly tasks = new Map<string, ScheduledTask>();

  register(task: ScheduledTask): void {
    this.tasks.set(task.name, task);
  }

  get(name: string): ScheduledTask | undefined {
    return this.tasks.get(name);
  }

  all(): ScheduledTask[] {
    return [...this.tasks.values()];
  }
}
