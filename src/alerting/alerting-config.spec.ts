import { ConfigError, loadConfig } from '../config/app-config';

describe('violation and alerting settings', () => {
  it('has defaults: a 24 h window, 100 evidence ids, escalation at 10/100/1000, a 15 min acknowledgement deadline', () => {
    const config = loadConfig({});
    expect(config.violations).toEqual({
      windowSeconds: 86_400,
      evidenceLimit: 100,
      escalateAtOccurrences: [10, 100, 1000],
      riskHigh: 0.8,
      riskCritical: 0.95,
    });
    expect(config.alerting).toMatchObject({
      unackDeadlineSeconds: 900,
      defaultSuppressionSeconds: 900,
      webhookAllowlist: [],
      smtpUrl: undefined,
    });
  });

  it('reads the allow-list of hosts, addresses and CIDR ranges, and refuses anything else', () => {
    const config = loadConfig({ WEBHOOK_ALLOWLIST: '127.0.0.1, 10.0.0.0/8,hooks.internal.example,fd00::/8' });
    expect(config.alerting.webhookAllowlist).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'hooks.internal.example',
      'fd00::/8',
    ]);
    expect(() => loadConfig({ WEBHOOK_ALLOWLIST: '10.0.0.0/33' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_ALLOWLIST: 'http://x' })).toThrow(/WEBHOOK_ALLOWLIST/);
  });

  it('validates thresholds and the SMTP URL', () => {
    expect(
      loadConfig({ VIOLATION_ESCALATE_AT_OCCURRENCES: '5,50' }).violations.escalateAtOccurrences,
    ).toEqual([5, 50]);
    expect(() => loadConfig({ VIOLATION_ESCALATE_AT_OCCURRENCES: '50,5' })).toThrow(/ascending/);
    expect(() => loadConfig({ VIOLATION_RISK_HIGH: '1.5' })).toThrow(/between 0 and 1/);
    expect(() => loadConfig({ VIOLATION_RISK_HIGH: '0.9', VIOLATION_RISK_CRITICAL: '0.8' })).toThrow(
      /VIOLATION_RISK_HIGH/,
    );
    expect(loadConfig({ SMTP_URL: 'smtp://user:pw@mail.example:587' }).alerting.smtpUrl).toBe(
      'smtp://user:pw@mail.example:587',
    );
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
  });
});
