/**
 * What the reporting module offers other modules: its PDF renderer for documents of their own (the
 * compliance module's per-viewer report). Everything else under reporting/ stays internal.
 */
export { renderDocumentPdf, type PdfDocumentSpec } from './render/document-pdf';
