import { Injectable, OnModuleInit } from '@nestjs/common';
import { ScheduledTasks } from '../pipeline/scheduled-tasks';
import { ReportsService } from './reports.service';

export const REPORT_TASKS = {
  /** 00:10 UTC: yesterday's executive summary, as a PDF (six-field cron: seconds first). */
  dailyExecutive: { name: 'reports-daily-executive', pattern: '0 10 0 * * *' },
  redrive: { name: 'reports-redrive', every: 60_000 },
} as const;

@Injectable()
export class ReportSchedule implements OnModuleInit {
  constructor(
    private readonly tasks: ScheduledTasks,
    private readonly reports: ReportsService,
  ) {}

  onModuleInit(): void {
    this.tasks.register({
      name: REPORT_TASKS.dailyExecutive.name,
      schedule: { pattern: REPORT_TASKS.dailyExecutive.pattern },
      run: async () => ({ reportId: await this.reports.scheduleDailyExecutive() }),
    });
    this.tasks.register({
      name: REPORT_TASKS.redrive.name,
      schedule: { every: REPORT_TASKS.redrive.every },
      run: () => this.reports.redriveStale(),
    });
  }
}
