import { Report } from '../content/report-builder';
import { CONTENT_TYPES, ReportFormat } from '../content/report-kinds';
import { renderCsv } from './csv';
import { renderPdf } from './pdf';

export async function renderReport(
  report: Report,
  format: ReportFormat,
  options: { compressPdf?: boolean } = {},
): Promise<{ content: Buffer; contentType: string }> {
  const content =
    format === 'json'
      ? Buffer.from(JSON.stringify(report, null, 2), 'utf8')
      : format === 'csv'
        ? renderCsv(report)
        : await renderPdf(report, { compress: options.compressPdf ?? true });
  return { content, contentType: CONTENT_TYPES[format] };
}

/** e.g. executive-report_2026-03-01_2026-03-31.pdf (the end day is the last day included) */
export function reportFileName(type: string, format: string, from: Date, to: Date): string {
  const last = new Date(to.getTime() - 1);
  return `${type}-report_${from.toISOString().slice(0, 10)}_${last.toISOString().slice(0, 10)}.${format}`;
}
