import { DefaultJobOptions } from 'bullmq';
import { BackgroundQueueName } from '../pipeline/pipeline.constants';

export const REPORTS_QUEUE = BackgroundQueueName.reports;

/** The job carries the report id only; the request (type, format, period) is the stored row. */
export interface ReportJob {
  reportId: string;
}

export const REPORT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 86_400, count: 1000 },
  removeOnFail: { age: 7 * 86_400, count: 1000 },
};
