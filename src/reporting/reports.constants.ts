import { DefaultJobOptions } from 'bullmq';

export const REPORTS_QUEUE = 'reports';

export const REPORT_TYPES = ['executive', 'compliance', 'performance'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

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
