import { inflateSync } from 'node:zlib';

/**
 * Reads back what a pdfkit PDF draws: the text of every TJ operator (pdfkit writes standard-font
 * text as hex strings, split where it kerns) and counts of the drawing operators (filled rectangles,
 * line segments). Deflated content streams (the default) are inflated first. Enough for tests to
 * check that a report carries its figures and its charts, without a PDF parser.
 */
export interface PdfContent {
  texts: string[];
  rectangles: number;
  lineSegments: number;
  pages: number;
}

export function readPdfContent(pdf: Buffer, options: { inflate?: boolean } = {}): PdfContent {
  const raw = pdf.toString('latin1');
  if (!raw.startsWith('%PDF-')) throw new Error('not a PDF');
  const parts = [raw];
  if (options.inflate) {
    for (const match of raw.matchAll(/\/FlateDecode[^]*?>>\s*stream\r?\n/g)) {
      const start = match.index! + match[0].length;
      const end = raw.indexOf('endstream', start);
      try {
        parts.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
      } catch {
        // not a content stream pdfkit deflated (or a truncated one): nothing to read in it
      }
    }
  }
  const content = parts.join('\n');
  const texts: string[] = [];
  for (const match of content.matchAll(/\[((?:<[0-9a-fA-F]*>\s*-?[\d.]*\s*)+)\]\s*TJ/g)) {
    const hex = [...match[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1]).join('');
    texts.push(Buffer.from(hex, 'hex').toString('latin1'));
  }
  return {
    texts,
    rectangles: (content.match(/^[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re$/gm) ?? []).length,
    lineSegments: (content.match(/^[-\d.]+ [-\d.]+ l$/gm) ?? []).length,
    pages: (raw.match(/\/Type \/Page\b/g) ?? []).length,
  };
}
