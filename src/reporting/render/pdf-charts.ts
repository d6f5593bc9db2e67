/**
 * Charts drawn with pdfkit's own primitives (lines, rectangles, text): bar charts (grouped),
 * horizontal bar charts and line charts, each with a title, axes, gridlines, tick labels, value
 * labels and a legend. No chart library and no raster images: the PDF stays small and its figures
 * stay text, so they can be searched and copied (and tested).
 */
type Doc = PDFKit.PDFDocument;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Series {
  name: string;
  color: string;
  values: number[];
}

export const PALETTE = {
  ink: '#1f2933',
  muted: '#616e7c',
  grid: '#d9e2ec',
  axis: '#7b8794',
  blue: '#2f6fdf',
  lightBlue: '#9fb9ea',
  green: '#2f9e44',
  amber: '#f08c00',
  red: '#e03131',
  purple: '#7048e8',
  teal: '#0c8599',
  gray: '#adb5bd',
};

const TITLE_SIZE = 11;
const LABEL_SIZE = 7;

/** Round axis maximum and step (1, 2 or 5 × 10^k) so that ticks fall on readable numbers. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(abs >= 1e5 ? 0 : 1)}k`;
  return value.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

function title(doc: Doc, box: Box, text: string): number {
  doc
    .font('Helvetica-Bold')
    .fontSize(TITLE_SIZE)
    .fillColor(PALETTE.ink)
    .text(text, box.x, box.y, { width: box.width, lineBreak: false });
  return TITLE_SIZE + 8;
}

function legend(doc: Doc, x: number, y: number, series: Series[]): void {
  if (series.length < 2) return;
  let cx = x;
  doc.font('Helvetica').fontSize(LABEL_SIZE);
  for (const s of series) {
    doc.rect(cx, y + 1, 8, 6).fill(s.color);
    doc.fillColor(PALETTE.muted).text(s.name, cx + 11, y, { lineBreak: false });
    cx += 11 + doc.widthOfString(s.name) + 12;
  }
}

function yAxis(doc: Doc, plot: Box, top: number, step: number, format: (v: number) => string): void {
  doc.font('Helvetica').fontSize(LABEL_SIZE);
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = plot.y + plot.height - (v / top) * plot.height;
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.width, y)
      .lineWidth(0.4)
      .strokeColor(PALETTE.grid)
      .stroke();
    doc
      .fillColor(PALETTE.muted)
      .text(format(v), plot.x - 44, y - 3, { width: 40, align: 'right', lineBreak: false });
  }
  doc
    .moveTo(plot.x, plot.y)
    .lineTo(plot.x, plot.y + plot.height)
    .lineTo(plot.x + plot.width, plot.y + plot.height)
    .lineWidth(0.8)
    .strokeColor(PALETTE.axis)
    .stroke();
}

/** Vertical bars, one group per category, one bar per series; value labels when there is room. */
export function barChart(
  doc: Doc,
  box: Box,
  options: {
    title: string;
    categories: string[];
    series: Series[];
    valueFormat?: (v: number) => string;
    maxLabels?: number;
  },
): void {
  const format = options.valueFormat ?? ((v: number) => formatNumber(v));
  const head = title(doc, box, options.title);
  legend(doc, box.x + 50, box.y + head - 2, options.series);
  const legendHeight = options.series.length > 1 ? 12 : 0;
  const plot: Box = {
    x: box.x + 48,
    y: box.y + head + legendHeight + 6,
    width: box.width - 56,
    height: box.height - head - legendHeight - 26,
  };
  const max = Math.max(0, ...options.series.flatMap((s) => s.values));
  const { top, step } = niceScale(max);
  yAxis(doc, plot, top, step, (v) => formatNumber(v, 1));

  const groups = Math.max(1, options.categories.length);
  const groupWidth = plot.width / groups;
  const barWidth = Math.max(1, (groupWidth * 0.75) / options.series.length);
  const labelEvery = Math.max(1, Math.ceil(groups / (options.maxLabels ?? 16)));
  const showValues = groups * options.series.length <= 24;
  doc.font('Helvetica').fontSize(LABEL_SIZE);
  options.categories.forEach((category, i) => {
    const gx = plot.x + i * groupWidth + groupWidth * 0.125;
    options.series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const h = top > 0 ? (value / top) * plot.height : 0;
      const x = gx + j * barWidth;
      if (h > 0) doc.rect(x, plot.y + plot.height - h, barWidth - 0.5, h).fill(s.color);
      if (showValues) {
        doc
          .fillColor(PALETTE.ink)
          .text(format(value), x - 10, plot.y + plot.height - h - 9, {
            width: barWidth + 20,
            align: 'center',
            lineBreak: false,
          });
      }
    });
    if (i % labelEvery === 0) {
      const width = Math.max(groupWidth * labelEvery, 30);
      doc
        .fillColor(PALETTE.muted)
        .text(category, plot.x + (i + 0.5) * groupWidth - width / 2, plot.y + plot.height + 4, {
          width,
          align: 'center',
          lineBreak: false,
        });
    }
  });
}

/** Horizontal bars, one row per category (long labels fit), optional fixed maximum (e.g. 100). */
export function horizontalBarChart(
  doc: Doc,
  box: Box,
  options: {
    title: string;
    categories: string[];
    series: Series[];
    max?: number;
    valueFormat?: (v: number) => string;
    /** colour of each bar of a one-series chart, by value (e.g. score bands) */
    colorFor?: (value: number) => string;
  },
): void {
  const format = options.valueFormat ?? ((v: number) => formatNumber(v, 1));
  const head = title(doc, box, options.title);
  legend(doc, box.x + 110, box.y + head - 2, options.series);
  const legendHeight = options.series.length > 1 ? 12 : 0;
  const plot: Box = {
    x: box.x + 110,
    y: box.y + head + legendHeight + 4,
    width: box.width - 150,
    height: box.height - head - legendHeight - 18,
  };
  const max = options.max ?? niceScale(Math.max(0, ...options.series.flatMap((s) => s.values))).top;
  const rows = Math.max(1, options.categories.length);
  const rowHeight = plot.height / rows;
  const barHeight = Math.max(1.5, Math.min(14, (rowHeight * 0.7) / options.series.length));

  // vertical gridlines at quarters of the maximum, labelled under the axis
  doc.font('Helvetica').fontSize(LABEL_SIZE);
  for (let q = 0; q <= 4; q++) {
    const x = plot.x + (q / 4) * plot.width;
    doc
      .moveTo(x, plot.y)
      .lineTo(x, plot.y + plot.height)
      .lineWidth(0.4)
      .strokeColor(PALETTE.grid)
      .stroke();
    doc
      .fillColor(PALETTE.muted)
      .text(formatNumber((max * q) / 4, 1), x - 20, plot.y + plot.height + 3, {
        width: 40,
        align: 'center',
        lineBreak: false,
      });
  }
  doc
    .moveTo(plot.x, plot.y)
    .lineTo(plot.x, plot.y + plot.height)
    .lineWidth(0.8)
    .strokeColor(PALETTE.axis)
    .stroke();

  options.categories.forEach((category, i) => {
    const ry = plot.y + i * rowHeight + (rowHeight - barHeight * options.series.length) / 2;
    doc
      .font('Helvetica')
      .fontSize(LABEL_SIZE + 1)
      .fillColor(PALETTE.ink)
      .text(category, box.x, plot.y + i * rowHeight + rowHeight / 2 - 4, {
        width: 104,
        align: 'right',
        lineBreak: false,
        ellipsis: true,
      });
    options.series.forEach((s, j) => {
      const value = s.values[i] ?? 0;
      const w = max > 0 ? (Math.min(value, max) / max) * plot.width : 0;
      const y = ry + j * barHeight;
      const color = options.series.length === 1 && options.colorFor ? options.colorFor(value) : s.color;
      if (w > 0) doc.rect(plot.x, y, w, barHeight - 0.8).fill(color);
      doc
        .font('Helvetica')
        .fontSize(LABEL_SIZE)
        .fillColor(PALETTE.ink)
        .text(format(value), plot.x + w + 3, y + barHeight / 2 - 3.5, { lineBreak: false });
    });
  });
}

/** Lines over a shared x axis of labels (time buckets), with markers when there are few points. */
export function lineChart(
  doc: Doc,
  box: Box,
  options: {
    title: string;
    labels: string[];
    series: Series[];
    valueFormat?: (v: number) => string;
    maxLabels?: number;
  },
): void {
  const head = title(doc, box, options.title);
  legend(doc, box.x + 50, box.y + head - 2, options.series);
  const legendHeight = options.series.length > 1 ? 12 : 0;
  const plot: Box = {
    x: box.x + 48,
    y: box.y + head + legendHeight + 6,
    width: box.width - 56,
    height: box.height - head - legendHeight - 26,
  };
  const max = Math.max(0, ...options.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const { top, step } = niceScale(max);
  yAxis(doc, plot, top, step, options.valueFormat ?? ((v) => formatNumber(v, 1)));
  const n = options.labels.length;
  const xAt = (i: number) => (n <= 1 ? plot.x + plot.width / 2 : plot.x + (i / (n - 1)) * plot.width);
  const yAt = (v: number) => plot.y + plot.height - (top > 0 ? (v / top) * plot.height : 0);

  for (const s of options.series) {
    const points = s.values.map((v, i) => [i, v] as const).filter(([, v]) => Number.isFinite(v));
    if (points.length === 0) continue;
    points.forEach(([i, v], k) => (k === 0 ? doc.moveTo(xAt(i), yAt(v)) : doc.lineTo(xAt(i), yAt(v))));
    doc.lineWidth(1.4).strokeColor(s.color).stroke();
    if (points.length <= 60) for (const [i, v] of points) doc.circle(xAt(i), yAt(v), 1.6).fill(s.color);
  }
  const labelEvery = Math.max(1, Math.ceil(n / (options.maxLabels ?? 10)));
  doc.font('Helvetica').fontSize(LABEL_SIZE).fillColor(PALETTE.muted);
  options.labels.forEach((label, i) => {
    if (i % labelEvery === 0 || i === n - 1)
      doc.text(label, xAt(i) - 25, plot.y + plot.height + 4, {
        width: 50,
        align: 'center',
        lineBreak: false,
      });
  });
}
