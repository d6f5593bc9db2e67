import { alertPayload, emailMessage, slackMessage } from './alert-message';

const violation = {
  id: 'v-1',
  kind: 'security',
  framework: 'SECURITY',
  ruleId: 'XSS-001',
  ruleVersion: '1',
  reference: 'xss',
  userId: '<script>alert(1)</script>',
  status: 'open',
  severity: 'high' as const,
  firstSeen: '2026-01-10T12:00:00.000Z',
  lastSeen: '2026-01-10T12:05:00.000Z',
  occurrenceCount: 12,
  evidenceEventIds: Array.from({ length: 15 }, (_, i) => `e-${i}`),
  maxRiskScore: null,
  recurrenceOf: null,
};

describe('alert messages', () => {
  const payload = alertPayload(
    {
      id: 'a-1',
      reason: 'new',
      severity: 'high',
      suppressedCount: 3,
      createdAt: new Date('2026-01-10T12:05:01Z'),
    },
    violation,
  );

  it('keeps the payload bounded and typed', () => {
    expect(payload.type).toBe('violation.alert');
    expect(payload.data.violation?.evidenceEventIds).toHaveLength(10);
    expect(payload.data.violation?.evidenceEventIds[9]).toBe('e-14');
  });

  it('escapes viewer-controlled text in HTML mail and Slack markup', () => {
    const mail = emailMessage(payload);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain('Suppressed repeats');
    const slack = slackMessage(payload) as { text: string; blocks: { fields?: { text: string }[] }[] };
    expect(slack.text).not.toContain('<script>');
    expect(slack.blocks[1].fields?.map((f) => f.text).join('\n')).not.toContain('<script>');
  });
});
