import PDFDocument from 'pdfkit';
import { PALETTE } from './pdf-charts';
import { footers, MARGIN, note, PageCursor, PAGE, table, tiles } from './pdf';

/**
 * A document that is not one of the periodic reports (a per-viewer report, say): a title, a few lines
 * under it, headline tiles and sections of tables and notes, drawn in the house style of pdf.ts.
 */
export interface PdfDocumentSpec {
  title: string;
  /** Lines under the title (at most three fit the header band). */
  subtitle: string[];
  tiles?: Array<{ label: string; value: string; note?: string; tone?: 'good' | 'warn' | 'bad' | 'info' }>;
  sections: Array<
    | {
        kind: 'table';
        title: string;
        columns: Array<{ label: string; width: number }>;
        rows: (string | number)[][];
      }
    | { kind: 'note'; text: string }
  >;
}

const TONES: Record<string, string> = {
  good: PALETTE.green,
  warn: PALETTE.amber,
  bad: PALETTE.red,
  info: PALETTE.blue,
};

export function renderDocumentPdf(
  spec: PdfDocumentSpec,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    bufferPages: true,
    info: { Title: spec.title, Author: 'OTT Compliance Pipeline' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.rect(0, 0, PAGE.width, 92).fill('#102a43');
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .fillColor('#ffffff')
    .text(spec.title, MARGIN, 24, { lineBreak: false });
  doc.font('Helvetica').fontSize(9).fillColor('#d9e2ec');
  spec.subtitle.slice(0, 3).forEach((line, i) => doc.text(line, MARGIN, 48 + i * 12, { lineBreak: false }));
  const page = new PageCursor(doc);
  page.y = 110;
  if (spec.tiles && spec.tiles.length > 0)
    tiles(
      page,
      spec.tiles.map((t) => ({
        label: t.label,
        value: t.value,
        note: t.note,
        color: TONES[t.tone ?? 'info'],
      })),
    );
  for (const section of spec.sections) {
    if (section.kind === 'note') note(page, section.text);
    else table(page, section.title, section.columns, section.rows);
  }
  footers(doc, { title: spec.title });
  doc.end();
  return done;
}
