import { renderDocumentPdf, type PdfDocumentSpec } from '../../reporting/documents';
import type { ViewerReport } from '../domain/viewer-report';

/** The per-viewer report laid out as a PDF document: headline tiles, then one table per section. */
export function viewerReportPdf(r: ViewerReport, options: { compress?: boolean } = {}): Promise<Buffer> {
  return renderDocumentPdf(viewerReportDocument(r), options);
}

export function viewerReportDocument(r: ViewerReport): PdfDocumentSpec {
  const d = (iso: string | null) => (iso === null ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);
  const place = [r.profile.country, r.profile.subdivision].filter((x) => x !== null).join(' / ') || 'unknown';
  return {
    title: `Viewer report: ${r.userId}`,
    subtitle: [
      `What the platform holds about this viewer and who received it. Country: ${place}.`,
      r.asOf === null
        ? `Generated ${d(r.generatedAt)} UTC from the stored events, consent ledger, requests and legal holds.`
        : `As handed over with an access request: data as of ${d(r.asOf)} UTC (generated ${d(r.generatedAt)} UTC).`,
      r.profile.accountClosedAt === null
        ? 'Account open.'
        : `Account closed ${d(r.profile.accountClosedAt)} UTC.`,
    ],
    tiles: [
      { label: 'Events recorded', value: String(r.summary.events), note: `last ${d(r.summary.lastEventAt)}` },
      { label: 'Data categories', value: String(r.summary.categories) },
      {
        label: 'Recipients',
        value: String(r.summary.recipients),
        note: `${r.summary.disclosures} disclosures`,
        tone: r.summary.recipients > 0 ? 'warn' : 'good',
      },
      {
        label: 'Requests',
        value: String(r.summary.requests),
        note: `${r.summary.activeLegalHolds} active legal holds`,
        tone: r.summary.activeLegalHolds > 0 ? 'warn' : 'info',
      },
    ],
    sections: [
      {
        kind: 'table',
        title: 'Data categories',
        columns: [
          { label: 'category', width: 110 },
          { label: 'from', width: 170 },
          { label: 'first seen', width: 85 },
          { label: 'last seen', width: 85 },
          { label: 'status', width: 60 },
        ],
        rows: r.dataCategories.map((c) => [
          c.category,
          c.sources.join(', '),
          d(c.firstSeenAt),
          d(c.lastSeenAt),
          c.status,
        ]),
      },
      {
        kind: 'table',
        title: 'Purposes and consent (current)',
        columns: [
          { label: 'purpose', width: 140 },
          { label: 'state', width: 70 },
          { label: 'basis', width: 100 },
          { label: 'since', width: 90 },
          { label: 'expires', width: 90 },
          { label: 'changes', width: 50 },
        ],
        rows: r.purposes.map((p) => [p.purpose, p.state, p.basis, d(p.since), d(p.expiresAt), p.changes]),
      },
      {
        kind: 'table',
        title: 'Consent history',
        columns: [
          { label: 'when', width: 90 },
          { label: 'purpose', width: 140 },
          { label: 'decision', width: 70 },
          { label: 'basis', width: 100 },
          { label: 'notice', width: 80 },
        ],
        rows: r.consentHistory.map((c) => [
          d(c.occurredAt),
          c.purpose,
          c.state,
          c.basis,
          c.noticeVersion ?? '-',
        ]),
      },
      {
        kind: 'table',
        title: 'Recipients (every disclosure)',
        columns: [
          { label: 'when', width: 75 },
          { label: 'recipient', width: 80 },
          { label: 'type', width: 55 },
          { label: 'country', width: 40 },
          { label: 'categories', width: 125 },
          { label: 'legal basis', width: 140 },
          { label: 'transfer', width: 45 },
        ],
        rows: r.disclosures.map((x) => [
          d(x.at),
          x.recipient,
          x.recipientType,
          x.country ?? '-',
          // One line per row: pdfkit wraps a cell at its spaces.
          x.categories.join(','),
          x.legalBasis.replace(/T[\d:.]+Z/, ''),
          x.transferSafeguard ?? '-',
        ]),
      },
      {
        kind: 'table',
        title: 'Access by staff and services',
        columns: [
          { label: 'actor type', width: 100 },
          { label: 'purpose', width: 160 },
          { label: 'reads', width: 60 },
          { label: 'last', width: 100 },
        ],
        rows: r.accesses.map((a) => [a.actorType, a.purpose, a.events, d(a.lastAt)]),
      },
      {
        kind: 'table',
        title: 'Data-subject requests',
        columns: [
          { label: 'request', width: 90 },
          { label: 'type', width: 70 },
          { label: 'jurisdiction', width: 60 },
          { label: 'opened', width: 80 },
          { label: 'due', width: 80 },
          { label: 'answered', width: 80 },
          { label: 'outcome', width: 60 },
          { label: 'on time', width: 45 },
        ],
        rows: r.requests.map((q) => [
          q.requestId,
          q.type,
          q.jurisdiction,
          d(q.openedAt),
          d(q.dueAt),
          d(q.answeredAt),
          q.legalHold ? `${q.outcome} (held)` : q.outcome,
          q.onTime === null ? '-' : q.onTime ? 'yes' : 'no',
        ]),
      },
      {
        kind: 'table',
        title: 'Retention: what will be deleted when',
        columns: [
          { label: 'category', width: 100 },
          { label: 'counted from', width: 130 },
          { label: 'delete by', width: 85 },
          { label: 'rules', width: 90 },
          { label: 'status', width: 120 },
        ],
        rows: r.retention.map((x) => [
          x.category,
          `${x.anchor.replace('_', ' ')} ${d(x.anchorAt)}`,
          d(x.deleteBy),
          x.rules.join(', '),
          x.legalHold ? `held: ${x.legalHold.reason}` : x.status,
        ]),
      },
      {
        kind: 'note',
        text:
          'Retention dates are those the active retention rules give the data held now; for an open account ' +
          'they count from the last activity and move with it. Data under an active legal hold is not deleted ' +
          'while the hold lasts. Legal basis of a disclosure: a processor acts under contract, a disclosure to ' +
          'the viewer answers their request, otherwise the consent the ledger held for the purpose at that moment.',
      },
      {
        kind: 'table',
        title: 'Legal holds',
        columns: [
          { label: 'scope', width: 140 },
          { label: 'reason', width: 180 },
          { label: 'since', width: 80 },
          { label: 'ends', width: 80 },
          { label: 'active', width: 45 },
        ],
        rows: r.legalHolds.map((h) => [
          h.scope,
          h.reason,
          d(h.createdAt),
          d(h.endsAt),
          h.active ? 'yes' : 'no',
        ]),
      },
    ],
  };
}
