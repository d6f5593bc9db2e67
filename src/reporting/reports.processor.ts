import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { REPORTS_QUEUE, ReportJob } from './reports.constants';
import { ReportsService } from './reports.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One report at a time per worker: generation is CPU work (PDF), and reports are not urgent. */
@Processor(REPORTS_QUEUE, { concurrency: 1 })
export class ReportsProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportsProcessor.name);

  constructor(private readonly reports: ReportsService) {
    super();
  }

  async process(job: Job<ReportJob>): Promise<{ generated: boolean }> {
    const id = job.data?.reportId;
    if (typeof id !== 'string' || !UUID.test(id))
      throw new UnrecoverableError(`job ${job.id} has no report id`);
    return { generated: await this.reports.generate(id) };
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<ReportJob> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const exhausted = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!exhausted || typeof job.data?.reportId !== 'string' || !UUID.test(job.data.reportId)) return;
    this.logger.warn({ reportId: job.data.reportId, error: error.message }, 'report generation failed');
    await this.reports.markFailed(job.data.reportId, error.message);
  }
}
