import type { Severity } from '../../violations/domain/severity';
import type { AlertReason } from './alert-planner';

/** What a receiver learns about the violation an alert is about. */
export interface AlertViolationSummary {
  id: string;
  kind: string;
  framework: string;
  ruleId: string;
  ruleVersion: string;
  reference: string | null;
  userId: string | null;
  status: string;
  severity: Severity;
  firstSeen: string;
  lastSeen: string;
  occurrenceCount: number;
  evidenceEventIds: string[];
  maxRiskScore: number | null;
  recurrenceOf: string | null;
}

/** The body every channel renders; webhooks receive it as JSON, as the Standard Webhooks payload shape suggests. */
export interface AlertPayload {
  type: 'violation.alert' | 'channel.test';
  timestamp: string;
  data: {
    alertId: string;
    reason: AlertReason;
    severity: Severity;
    suppressedCount: number;
    violation: AlertViolationSummary | null;
  };
}

const EVIDENCE_IN_ALERT = 10;

const REASON_TEXT: Record<AlertReason, string> = {
  new: 'New violation',
  reopened: 'Violation recurred after its case was closed',
  escalated: 'Violation escalated',
  repeated: 'Violation still occurring',
  unacknowledged: 'Critical violation not acknowledged',
  test: 'Test alert',
};

export function alertPayload(
  alert: { id: string; reason: AlertReason; severity: Severity; suppressedCount: number; createdAt: Date },
  violation: AlertViolationSummary | null,
): AlertPayload {
  return {
    type: alert.reason === 'test' ? 'channel.test' : 'violation.alert',
    timestamp: alert.createdAt.toISOString(),
    data: {
      alertId: alert.id,
      reason: alert.reason,
      severity: alert.severity,
      suppressedCount: alert.suppressedCount,
      violation: violation
        ? { ...violation, evidenceEventIds: violation.evidenceEventIds.slice(-EVIDENCE_IN_ALERT) }
        : null,
    },
  };
}

/** One line a person reads first: what, how bad, which rule and viewer. */
export function alertTitle(payload: AlertPayload): string {
  const { data } = payload;
  const v = data.violation;
  const head = `[${data.severity.toUpperCase()}] ${REASON_TEXT[data.reason]}`;
  return v ? `${head}: ${v.framework} ${v.ruleId}${v.userId ? ` for viewer ${v.userId}` : ''}` : head;
}

function facts(payload: AlertPayload): [string, string][] {
  const { data } = payload;
  const v = data.violation;
  const rows: [string, string][] = [
    ['Alert', data.alertId],
    ['Reason', data.reason],
    ['Severity', data.severity],
  ];
  if (v) {
    rows.push(
      ['Violation', v.id],
      ['Framework', v.framework],
      ['Rule', `${v.ruleId} v${v.ruleVersion}${v.reference ? ` (${v.reference})` : ''}`],
      ['Kind', v.kind],
      ['Viewer', v.userId ?? '(none)'],
      ['Status', v.status],
      ['Occurrences', String(v.occurrenceCount)],
      ['First seen', v.firstSeen],
      ['Last seen', v.lastSeen],
    );
    if (v.maxRiskScore !== null) rows.push(['Max risk score', v.maxRiskScore.toFixed(3)]);
    if (v.recurrenceOf) rows.push(['Recurrence of', v.recurrenceOf]);
    if (v.evidenceEventIds.length > 0) rows.push(['Evidence events', v.evidenceEventIds.join(', ')]);
  }
  if (data.suppressedCount > 0) rows.push(['Suppressed repeats', String(data.suppressedCount)]);
  return rows;
}

/** Slack incoming-webhook message (text for notifications, blocks for the rich layout). */
export function slackMessage(payload: AlertPayload): Record<string, unknown> {
  const title = alertTitle(payload);
  return {
    // Slack reads <…> in text as links and mentions (<!channel>): viewer-controlled parts must not.
    text: slackEscape(title),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      {
        type: 'section',
        fields: facts(payload)
          .slice(0, 10)
          .map(([k, v]) => ({ type: 'mrkdwn', text: `*${slackEscape(k)}*\n${slackEscape(v)}` })),
      },
    ],
  };
}

export function emailMessage(payload: AlertPayload): { subject: string; text: string; html: string } {
  const title = alertTitle(payload);
  const rows = facts(payload);
  const width = Math.max(...rows.map(([k]) => k.length));
  const text = `${title}\n\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    `<h2>${htmlEscape(title)}</h2><table cellpadding="4">` +
    rows
      .map(([k, v]) => `<tr><th align="left">${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`)
      .join('') +
    `</table></body></html>`;
  return { subject: title, text, html };
}

export function htmlEscape(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function slackEscape(value: string): string {
  return value.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}
