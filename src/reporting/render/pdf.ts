import PDFDocument from 'pdfkit';
import { SEVERITIES } from '../../analytics/domain/posture';
import { ComplianceReport, ExecutiveReport, PerformanceReport, Report } from '../content/report-builder';
import { barChart, Box, formatNumber, horizontalBarChart, lineChart, PALETTE } from './pdf-charts';

export type Doc = PDFKit.PDFDocument;

export const MARGIN = 48;
export const PAGE = { width: 595.28, height: 841.89 };
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;

export interface PdfOptions {
  /** deflate the content streams (default); tests read them uncompressed */
  compress?: boolean;
}

/** A report as an A4 PDF: a header, headline figures, charts drawn with pdfkit, and tables. */
export function renderPdf(report: Report, options: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: `${report.title} ${day(report.period.from)} to ${day(report.period.to)}`,
      Author: 'OTT Compliance Pipeline',
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const page = new PageCursor(doc);
  header(doc, report);
  page.y = 118;
  if (report.type === 'executive') executive(page, report);
  else if (report.type === 'compliance') compliance(page, report);
  else performance(page, report);
  footers(doc, report);
  doc.end();
  return done;
}

/** Where the next block goes; starts a new page when a block would not fit. */
export class PageCursor {
  y = MARGIN;
  constructor(readonly doc: Doc) {}

  take(height: number): Box {
    if (this.y + height > PAGE.height - MARGIN - 16) {
      this.doc.addPage();
      this.y = MARGIN;
    }
    const box = { x: MARGIN, y: this.y, width: CONTENT_WIDTH, height };
    this.y += height + 14;
    return box;
  }
}

function header(doc: Doc, report: Report): void {
  doc.rect(0, 0, PAGE.width, 92).fill('#102a43');
  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor('#ffffff')
    .text(report.title, MARGIN, 28, { lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#d9e2ec')
    .text(`Period: ${stamp(report.period.from)} to ${stamp(report.period.to)}`, MARGIN, 56, {
      lineBreak: false,
    })
    .text(`Generated ${stamp(report.generatedAt)} by the OTT Compliance Pipeline`, MARGIN, 70, {
      lineBreak: false,
    });
}

export function footers(doc: Doc, report: Pick<Report, 'title'>): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Below the bottom margin pdfkit would start a new page for the text; the footer belongs there.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(PALETTE.muted)
      .text(`${report.title} | page ${i + 1} of ${range.count}`, MARGIN, PAGE.height - MARGIN + 12, {
        width: CONTENT_WIDTH,
        align: 'right',
        lineBreak: false,
      });
  }
}

export interface Tile {
  label: string;
  value: string;
  note?: string;
  color?: string;
}

export function tiles(page: PageCursor, list: Tile[]): void {
  const box = page.take(58);
  const gap = 10;
  const width = (box.width - gap * (list.length - 1)) / list.length;
  const doc = page.doc;
  list.forEach((tile, i) => {
    const x = box.x + i * (width + gap);
    doc.roundedRect(x, box.y, width, box.height, 4).fill('#f0f4f8');
    doc.rect(x, box.y, 3, box.height).fill(tile.color ?? PALETTE.blue);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(PALETTE.muted)
      .text(tile.label, x + 10, box.y + 7, { width: width - 14, lineBreak: false });
    doc
      .font('Helvetica-Bold')
      .fontSize(17)
      .fillColor(PALETTE.ink)
      .text(tile.value, x + 10, box.y + 19, { width: width - 14, lineBreak: false });
    if (tile.note)
      doc
        .font('Helvetica')
        .fontSize(7.5)
        .fillColor(PALETTE.muted)
        .text(tile.note, x + 10, box.y + 41, { width: width - 14, lineBreak: false });
  });
}

export function note(page: PageCursor, text: string): void {
  const doc = page.doc.font('Helvetica').fontSize(7.5);
  const height = doc.heightOfString(text, { width: CONTENT_WIDTH });
  const box = page.take(height);
  doc.fillColor(PALETTE.muted).text(text, box.x, box.y, { width: CONTENT_WIDTH });
  page.y -= 6;
}

/** A plain table: header row, zebra rows; numeric columns right-aligned. Splits over pages. */
export function table(
  page: PageCursor,
  title: string,
  columns: { label: string; width: number }[],
  rows: (string | number)[][],
): void {
  const doc = page.doc;
  const rowHeight = 13;
  const chrome = 18 + rowHeight; // title and header row
  const bottom = PAGE.height - MARGIN - 16;
  const total = columns.reduce((s, c) => s + c.width, 0);
  const scale = CONTENT_WIDTH / total;
  const numeric = columns.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every(
        (row) => typeof row[i] === 'number' || /^[-+]?[\d.,]+( ms|%)?$|^-?$/.test(String(row[i] ?? '')),
      ),
  );
  let start = 0;
  let first = true;
  do {
    let fits = Math.floor((bottom - page.y - chrome) / rowHeight);
    // Rather than a title and a row or two at the foot of a page, start the table on the next one.
    if (fits < Math.min(rows.length - start, 4)) {
      doc.addPage();
      page.y = MARGIN;
      fits = Math.floor((bottom - page.y - chrome) / rowHeight);
    }
    const chunk = rows.slice(start, start + Math.max(1, fits));
    const box = page.take(chrome + rowHeight * Math.max(1, chunk.length));
    doc
      .font('Helvetica-Bold')
      .fontSize(11)
      .fillColor(PALETTE.ink)
      .text(first ? title : `${title} (continued)`, box.x, box.y, { lineBreak: false });
    let y = box.y + 18;
    const drawRow = (cells: (string | number)[], bold: boolean, shade: boolean) => {
      if (shade) doc.rect(box.x, y - 2, CONTENT_WIDTH, rowHeight).fill(bold ? '#d9e2ec' : '#f5f7fa');
      let x = box.x;
      cells.forEach((cell, i) => {
        const width = columns[i].width * scale;
        const text = typeof cell === 'number' ? formatCell(cell) : cell;
        doc
          .font(bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(7.5)
          .fillColor(PALETTE.ink)
          .text(text, x + 3, y + 1, {
            width: width - 6,
            align: numeric[i] ? 'right' : 'left',
            lineBreak: false,
            ellipsis: true,
          });
        x += width;
      });
      y += rowHeight;
    };
    drawRow(
      columns.map((c) => c.label),
      true,
      true,
    );
    chunk.forEach((row, i) => drawRow(row, false, i % 2 === 1));
    if (chunk.length === 0) drawRow(['(none)', ...columns.slice(1).map(() => '')], false, false);
    start += chunk.length;
    first = false;
  } while (start < rows.length);
}

// ── Executive summary ─────────────────────────────────────────────────────────────────────────

function executive(page: PageCursor, r: ExecutiveReport): void {
  const h = r.headline;
  tiles(page, [
    {
      label: 'Events processed',
      value: whole(h.events),
      note: vsPrevious(h.eventsChangePct, h.eventsPrevious),
      color: PALETTE.blue,
    },
    {
      label: 'Violations opened',
      value: whole(h.violationsOpened),
      note: vsPrevious(h.violationsChangePct, h.violationsOpenedPrevious),
      color: PALETTE.red,
    },
    {
      label: 'Open at end of period',
      value: whole(h.violationsOpenAtEnd),
      note: `${whole(h.criticalOpenAtEnd)} critical, ${whole(h.violationsResolved)} resolved`,
      color: PALETTE.amber,
    },
    {
      label: 'Viewers, no open case',
      value: h.postureShare === null ? 'n/a' : `${h.postureShare.toFixed(1)} %`,
      note:
        `prev. ${h.postureSharePrevious === null ? 'n/a' : `${h.postureSharePrevious.toFixed(1)} %`}` +
        (h.postureMedianOpenDays === null ? '' : `, median ${h.postureMedianOpenDays.toFixed(1)} d`),
      color: h.postureShare === null ? PALETTE.gray : postureColor(h.postureShare),
    },
  ]);
  barChart(page.doc, page.take(170), {
    title: 'Events per day',
    categories: r.eventsPerDay.map((d) => d.day.slice(5)),
    series: [{ name: 'events', color: PALETTE.blue, values: r.eventsPerDay.map((d) => d.events) }],
  });
  barChart(page.doc, page.take(160), {
    title: 'Violations opened by severity: this period vs previous',
    categories: r.violationsBySeverity.map((v) => v.severity),
    series: [
      { name: 'this period', color: PALETTE.red, values: r.violationsBySeverity.map((v) => v.current) },
      { name: 'previous period', color: PALETTE.gray, values: r.violationsBySeverity.map((v) => v.previous) },
      { name: 'open at end', color: PALETTE.amber, values: r.violationsBySeverity.map((v) => v.openAtEnd) },
    ],
  });
  const frameworks = r.posture.frameworks;
  horizontalBarChart(page.doc, page.take(Math.min(330, Math.max(90, 34 + 16 * frameworks.length))), {
    title: 'Active viewers with no open case, by framework (%)',
    categories: frameworks.map((f) => f.framework),
    series: [{ name: 'share', color: PALETTE.green, values: frameworks.map((f) => f.current.share ?? 0) }],
    max: 100,
    colorFor: postureColor,
  });
  note(
    page,
    `Posture: ${r.posture.formula}. Overall A = ${whole(r.posture.overall.current.activeViewers)}, V = ${whole(r.posture.overall.current.activeViewersWithOpenCase)}, ` +
      `open cases ${whole(r.posture.overall.current.openCases)}.`,
  );
  table(
    page,
    'Top risk viewers',
    [
      { label: '#', width: 24 },
      { label: 'viewer', width: 150 },
      { label: 'score', width: 60 },
      { label: 'tier', width: 70 },
      { label: 'segment', width: 110 },
      { label: 'top factor', width: 120 },
    ],
    r.topRisks.map((v, i) => [
      String(i + 1),
      v.userId,
      v.score.toFixed(3),
      v.tier ?? '-',
      v.segment ?? '-',
      v.topFactors[0]?.factor ?? '-',
    ]),
  );
  table(
    page,
    'Findings by kind and most frequent event types',
    [
      { label: 'findings: kind', width: 120 },
      { label: 'findings', width: 80 },
      { label: 'event type', width: 200 },
      { label: 'events', width: 100 },
    ],
    Array.from({ length: Math.max(r.findingsByKind.length, r.topEventTypes.length) }, (_, i) => [
      r.findingsByKind[i]?.kind ?? '',
      r.findingsByKind[i] ? whole(r.findingsByKind[i].findings) : '',
      r.topEventTypes[i]?.type ?? '',
      r.topEventTypes[i] ? whole(r.topEventTypes[i].events) : '',
    ]),
  );
}

// ── Compliance report ─────────────────────────────────────────────────────────────────────────

function compliance(page: PageCursor, r: ComplianceReport): void {
  const sum = (f: (x: ComplianceReport['frameworks'][number]) => number) =>
    r.frameworks.reduce((s, x) => s + f(x), 0);
  const all = (counts: Record<string, number>) => SEVERITIES.reduce((s, k) => s + counts[k], 0);
  tiles(page, [
    { label: 'Violations opened', value: whole(sum((f) => all(f.opened))), color: PALETTE.red },
    { label: 'Violations resolved', value: whole(sum((f) => all(f.resolved))), color: PALETTE.green },
    { label: 'Open at end of period', value: whole(sum((f) => all(f.openAtEnd))), color: PALETTE.amber },
    {
      label: 'DSR deadlines met / missed',
      value: `${whole(r.dsr.totals.deadlinesMet)} / ${whole(r.dsr.totals.deadlinesMissed)}`,
      note: `${whole(r.dsr.totals.overdueAtEnd)} overdue at end of period`,
      color: r.dsr.totals.deadlinesMissed > 0 ? PALETTE.red : PALETTE.green,
    },
  ]);
  const withViolations = r.frameworks.filter((f) => all(f.opened) + all(f.resolved) + all(f.openAtEnd) > 0);
  barChart(page.doc, page.take(180), {
    title: 'Violations by framework: opened, resolved, open at end of period',
    categories: withViolations.map((f) => f.framework),
    series: [
      { name: 'opened', color: PALETTE.red, values: withViolations.map((f) => all(f.opened)) },
      { name: 'resolved', color: PALETTE.green, values: withViolations.map((f) => all(f.resolved)) },
      { name: 'open at end', color: PALETTE.amber, values: withViolations.map((f) => all(f.openAtEnd)) },
    ],
  });
  barChart(page.doc, page.take(160), {
    title: 'Data-subject requests: deadlines met vs missed, by request type',
    categories: r.dsr.byType.map((d) => d.type),
    series: [
      { name: 'met', color: PALETTE.green, values: r.dsr.byType.map((d) => d.deadlinesMet) },
      { name: 'missed', color: PALETTE.red, values: r.dsr.byType.map((d) => d.deadlinesMissed) },
      { name: 'opened', color: PALETTE.lightBlue, values: r.dsr.byType.map((d) => d.opened) },
    ],
  });
  horizontalBarChart(
    page.doc,
    page.take(Math.min(320, Math.max(90, 40 + 24 * r.consents.byPurpose.length))),
    {
      title: 'Consent grants and withdrawals by purpose',
      categories: r.consents.byPurpose.map((c) => c.purpose),
      series: [
        { name: 'granted', color: PALETTE.teal, values: r.consents.byPurpose.map((c) => c.granted) },
        { name: 'withdrawn', color: PALETTE.purple, values: r.consents.byPurpose.map((c) => c.withdrawn) },
      ],
      valueFormat: (v) => formatNumber(v),
    },
  );
  table(
    page,
    'Frameworks',
    [
      { label: 'framework', width: 90 },
      { label: 'rules', width: 45 },
      { label: 'opened', width: 55 },
      { label: 'resolved', width: 55 },
      { label: 'open at end', width: 65 },
      { label: 'open cases', width: 60 },
      { label: 'unassigned', width: 60 },
      { label: 'posture', width: 55 },
    ],
    r.frameworks.map((f) => [
      f.framework,
      f.rules,
      all(f.opened),
      all(f.resolved),
      all(f.openAtEnd),
      f.openCases.open + f.openCases.acknowledged,
      f.openCases.unassigned,
      f.postureShare === null ? 'n/a' : `${f.postureShare.toFixed(1)} %`,
    ]),
  );
  table(
    page,
    'Data-subject requests by type',
    [
      { label: 'type', width: 90 },
      { label: 'opened', width: 50 },
      { label: 'completed', width: 55 },
      { label: 'refused', width: 50 },
      { label: 'met', width: 45 },
      { label: 'missed', width: 50 },
      { label: 'open at end', width: 60 },
      { label: 'overdue', width: 50 },
      { label: 'median days', width: 60 },
    ],
    [
      ...r.dsr.byType.map((d) => [
        d.type,
        d.opened,
        d.completed,
        d.refused,
        d.deadlinesMet,
        d.deadlinesMissed,
        d.openAtEnd,
        d.overdueAtEnd,
        d.medianDaysToAnswer === null ? '-' : d.medianDaysToAnswer.toFixed(1),
      ]),
      [
        'all',
        r.dsr.totals.opened,
        r.dsr.totals.completed,
        r.dsr.totals.refused,
        r.dsr.totals.deadlinesMet,
        r.dsr.totals.deadlinesMissed,
        r.dsr.totals.openAtEnd,
        r.dsr.totals.overdueAtEnd,
        '',
      ],
    ],
  );
  note(
    page,
    'Deadlines met: answered (completed or refused) within the period on or before the due date. Missed: answered within the period after it, or unanswered at the end of the period with the due date passed.',
  );
  table(
    page,
    'Consents by purpose',
    [
      { label: 'purpose', width: 200 },
      { label: 'granted', width: 100 },
      { label: 'withdrawn', width: 100 },
    ],
    [
      ...r.consents.byPurpose.map((c) => [c.purpose, c.granted, c.withdrawn]),
      ['all', r.consents.totals.granted, r.consents.totals.withdrawn],
    ],
  );
  table(
    page,
    'Rules with the most violations',
    [
      { label: 'framework', width: 80 },
      { label: 'rule', width: 90 },
      { label: 'title', width: 230 },
      { label: 'opened', width: 50 },
      { label: 'open now', width: 50 },
    ],
    r.frameworks.flatMap((f) =>
      f.topRules.map((rule) => [f.framework, rule.ruleId, rule.title ?? '-', rule.opened, rule.openNow]),
    ),
  );
}

// ── Performance report ────────────────────────────────────────────────────────────────────────

function performance(page: PageCursor, r: PerformanceReport): void {
  const p = r.performance;
  tiles(page, [
    {
      label: 'Events through the pipeline',
      value: whole(p.throughput.events),
      note: `peak ${whole(p.throughput.peakEventsPerMinute)} per minute`,
      color: PALETTE.blue,
    },
    {
      label: 'Events per second (mean)',
      value: p.throughput.eventsPerSecond.toFixed(2),
      color: PALETTE.teal,
    },
    {
      label: 'End-to-end latency p95',
      value: p.endToEnd.p95Ms === null ? '-' : `${whole(p.endToEnd.p95Ms)} ms`,
      note:
        p.endToEnd.p50Ms === null
          ? undefined
          : `p50 ${whole(p.endToEnd.p50Ms)} ms, p99 ${whole(p.endToEnd.p99Ms ?? 0)} ms`,
      color: PALETTE.purple,
    },
    {
      label: 'Dead-lettered batches',
      value: whole(p.deadLetters.inWindow),
      note: `${whole(p.deadLetters.now)} waiting now`,
      color: p.deadLetters.now > 0 ? PALETTE.red : PALETTE.green,
    },
  ]);
  const labels = p.series.map((s) =>
    p.bucket === 'day' ? s.bucket.slice(5, 10) : s.bucket.slice(5, 16).replace('T', ' '),
  );
  lineChart(page.doc, page.take(170), {
    title: `Events through the pipeline per ${p.bucket}`,
    labels,
    series: [{ name: 'events', color: PALETTE.blue, values: p.series.map((s) => s.events) }],
  });
  barChart(page.doc, page.take(160), {
    title: 'Batch time per stage (ms): mean and max',
    categories: p.stages.map((s) => s.stage),
    series: [
      { name: 'mean ms', color: PALETTE.teal, values: p.stages.map((s) => s.meanMs ?? 0) },
      { name: 'max ms', color: PALETTE.lightBlue, values: p.stages.map((s) => s.maxMs ?? 0) },
    ],
  });
  const stageColors = [PALETTE.blue, PALETTE.teal, PALETTE.purple, PALETTE.amber, PALETTE.red];
  lineChart(page.doc, page.take(170), {
    title: `Mean batch time per stage (ms) per ${p.bucket}`,
    labels,
    series: p.stages.map((s, i) => ({
      name: s.stage,
      color: stageColors[i % stageColors.length],
      values: p.series.map((x) => x.meanMs[s.stage] ?? Number.NaN),
    })),
  });
  barChart(page.doc, page.take(150), {
    title: 'Dead-lettered batches by stage',
    categories: p.stages.map((s) => s.stage),
    series: [
      {
        name: 'in period',
        color: PALETTE.red,
        values: p.stages.map((s) => p.deadLetters.inWindowByStage[s.stage] ?? 0),
      },
      {
        name: 'waiting now',
        color: PALETTE.gray,
        values: p.stages.map((s) => p.deadLetters.byStage[s.stage] ?? 0),
      },
    ],
  });
  table(
    page,
    'Stages',
    [
      { label: 'stage', width: 100 },
      { label: 'batches', width: 70 },
      { label: 'events', width: 80 },
      { label: 'mean ms', width: 70 },
      { label: 'max ms', width: 70 },
      { label: 'peak events/min', width: 90 },
    ],
    p.stages.map((s) => [
      s.stage,
      s.batches,
      s.events,
      s.meanMs === null ? '-' : s.meanMs.toFixed(1),
      s.maxMs === null ? '-' : s.maxMs.toFixed(1),
      s.peakEventsPerMinute,
    ]),
  );
  note(
    page,
    `End-to-end (batch accepted to last stage done), ${whole(p.endToEnd.batches)} batches: p50 ${ms(p.endToEnd.p50Ms)}, p95 ${ms(p.endToEnd.p95Ms)}, p99 ${ms(p.endToEnd.p99Ms)}.`,
  );
}

// ── formatting ────────────────────────────────────────────────────────────────────────────────

function whole(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatCell(n: number): string {
  return Number.isInteger(n) ? whole(n) : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function ms(value: number | null): string {
  return value === null ? '-' : `${whole(value)} ms`;
}

function vsPrevious(pct: number | null, previous: number): string {
  if (pct === null) return `previous period ${whole(previous)}`;
  return `${pct > 0 ? '+' : ''}${pct.toFixed(1)}% vs previous (${whole(previous)})`;
}

function postureColor(score: number): string {
  return score >= 80 ? PALETTE.green : score >= 50 ? PALETTE.amber : PALETTE.red;
}

function stamp(isoTime: string): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, 16)} UTC`;
}

function day(isoTime: string): string {
  return isoTime.slice(0, 10);
}
