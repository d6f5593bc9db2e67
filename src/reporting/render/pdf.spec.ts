import { emptyCounts, emptyFigures, postureTrend } from '../../analytics/domain/posture';
import { ComplianceReport, ExecutiveReport, PerformanceReport } from '../content/report-builder';
import { readPdfContent } from '../../../tools/testing/reporting/pdf-content';
import { renderCsv } from './csv';
import { niceScale } from './pdf-charts';
import { renderPdf } from './pdf';

const period = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' };

const executive: ExecutiveReport = {
  type: 'executive',
  title: 'Executive summary',
  period,
  previousPeriod: { from: '2026-02-26T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' },
  generatedAt: '2026-03-04T01:00:00.000Z',
  headline: {
    events: 12345,
    eventsPrevious: 10000,
    eventsChangePct: 23.5,
    violationsOpened: 42,
    violationsOpenedPrevious: 40,
    violationsChangePct: 5,
    violationsResolved: 17,
    violationsOpenAtEnd: 30,
    criticalOpenAtEnd: 3,
    postureShare: 61.2,
    postureSharePrevious: 58,
    postureActiveViewers: 1000,
    postureMedianOpenDays: 3.2,
    findings: 99,
  },
  violationsBySeverity: [
    { severity: 'critical', current: 3, previous: 1, openAtEnd: 3 },
    { severity: 'high', current: 9, previous: 12, openAtEnd: 7 },
    { severity: 'medium', current: 10, previous: 11, openAtEnd: 8 },
    { severity: 'low', current: 20, previous: 16, openAtEnd: 12 },
  ],
  eventsPerDay: [
    { day: '2026-03-01', events: 4000 },
    { day: '2026-03-02', events: 4345 },
    { day: '2026-03-03', events: 4000 },
  ],
  topEventTypes: [{ type: 'playback.started', events: 9000 }],
  posture: {
    fromDay: '2026-03-01',
    toDay: '2026-03-04',
    previous: { fromDay: '2026-02-26', toDay: '2026-03-01' },
    formula: 'share = ...',
    overall: postureTrend(
      { ...emptyFigures(1000), activeViewersWithOpenCase: 388 },
      { ...emptyFigures(900), activeViewersWithOpenCase: 378 },
    ),
    frameworks: [
      {
        framework: 'GDPR',
        ...postureTrend(
          { ...emptyFigures(1000), activeViewersWithOpenCase: 687 },
          { ...emptyFigures(900), activeViewersWithOpenCase: 450 },
        ),
        open: emptyCounts(),
        resolved: emptyCounts(),
        opened: emptyCounts(),
        rules: 15,
      },
      {
        framework: 'CCPA/CPRA',
        ...postureTrend(
          { ...emptyFigures(1000), activeViewersWithOpenCase: 111 },
          { ...emptyFigures(900), activeViewersWithOpenCase: 100 },
        ),
        open: emptyCounts(),
        resolved: emptyCounts(),
        opened: emptyCounts(),
        rules: 5,
      },
    ],
  },
  topRisks: [
    {
      userId: 'viewer-7',
      score: 0.987,
      tier: 'critical',
      segment: 'account_takeover',
      modelVersion: 2,
      detector: 'ensemble',
      scoredAt: null,
      topFactors: [{ factor: 'authFailures', share: 0.6 }],
    },
  ],
  findingsByKind: [{ kind: 'compliance', findings: 99 }],
};

describe('PDF reports', () => {
  it('draw the executive summary with its figures and charts', async () => {
    const pdf = readPdfContent(await renderPdf(executive, { compress: false }));
    for (const text of [
      'Executive summary',
      '12,345',
      '+23.5% vs previous (10,000)',
      'Events per day',
      'Violations opened by severity: this period vs previous',
      'Active viewers with no open case, by framework (%)',
      'GDPR',
      '31.3',
      'viewer-7',
      '0.987',
    ]) {
      expect(pdf.texts).toContain(text);
    }
    // three day bars, 4 severities x 3 series, two framework bars, plus tiles and table shading
    expect(pdf.rectangles).toBeGreaterThanOrEqual(3 + 12 + 2);
    expect(pdf.lineSegments).toBeGreaterThan(10);
  });

  it('draw the compliance and performance reports', async () => {
    const compliance: ComplianceReport = {
      type: 'compliance',
      title: 'Compliance report',
      period,
      generatedAt: period.to,
      frameworks: [
        {
          framework: 'GDPR',
          rules: 15,
          rulesBySeverity: emptyCounts(),
          opened: { ...emptyCounts(), high: 2 },
          resolved: emptyCounts(),
          openAtEnd: { ...emptyCounts(), high: 2 },
          openCases: { open: 2, acknowledged: 0, unassigned: 2 },
          postureShare: 9.1,
          postureSharePrevious: null,
          medianOpenDays: 2.5,
          topRules: [{ ruleId: 'GDPR-01', title: 'Consent before tracking', opened: 2, openNow: 2 }],
        },
      ],
      dsr: {
        byType: [
          {
            type: 'access',
            opened: 3,
            completed: 2,
            refused: 0,
            deadlinesMet: 1,
            deadlinesMissed: 2,
            openAtEnd: 1,
            overdueAtEnd: 1,
            medianDaysToAnswer: 12.5,
          },
        ],
        totals: {
          opened: 3,
          completed: 2,
          refused: 0,
          deadlinesMet: 1,
          deadlinesMissed: 2,
          openAtEnd: 1,
          overdueAtEnd: 1,
        },
      },
      consents: {
        byPurpose: [{ purpose: 'ads_targeting', granted: 5, withdrawn: 2 }],
        totals: { granted: 5, withdrawn: 2 },
      },
    };
    const c = readPdfContent(await renderPdf(compliance, { compress: false }));
    expect(c.texts).toEqual(
      expect.arrayContaining([
        'Data-subject requests: deadlines met vs missed, by request type',
        'Consent grants and withdrawals by purpose',
        '1 / 2',
        'ads_targeting',
        'GDPR-01',
      ]),
    );

    const performance: PerformanceReport = {
      type: 'performance',
      title: 'Pipeline performance report',
      period,
      generatedAt: period.to,
      performance: {
        from: period.from,
        to: period.to,
        bucket: 'day',
        throughput: { events: 3000, eventsPerSecond: 0.012, peakEventsPerMinute: 40 },
        stages: ['reception', 'compliance', 'ml', 'violation', 'alerting'].map((stage) => ({
          stage,
          batches: 10,
          events: 3000,
          meanMs: 12.5,
          maxMs: 40,
          peakEventsPerMinute: 40,
        })),
        endToEnd: { batches: 10, events: 3000, p50Ms: 120, p95Ms: 450, p99Ms: 900 },
        deadLetters: { now: 1, inWindow: 2, byStage: { ml: 1 }, inWindowByStage: { ml: 2 } },
        series: ['2026-03-01', '2026-03-02', '2026-03-03'].map((d) => ({
          bucket: `${d}T00:00:00.000Z`,
          events: 1000,
          meanMs: { reception: 10, compliance: 20, ml: 5, violation: 3, alerting: 1 },
        })),
      },
    };
    const p = readPdfContent(await renderPdf(performance, { compress: false }));
    expect(p.texts).toEqual(
      expect.arrayContaining([
        'Events through the pipeline per day',
        'Batch time per stage (ms): mean and max',
        '450 ms',
        '3,000',
      ]),
    );
  });

  it('compresses by default, drawing the same', async () => {
    const pdf = await renderPdf(executive);
    expect(readPdfContent(pdf).texts).toHaveLength(0);
    const inflated = readPdfContent(pdf, { inflate: true });
    const plain = readPdfContent(await renderPdf(executive, { compress: false }));
    expect(inflated.texts).toEqual(plain.texts);
    expect(inflated.rectangles).toBe(plain.rectangles);
  });
});

describe('CSV reports', () => {
  it('are one long table with quoted text and defused formulas', () => {
    const csv = renderCsv({
      ...executive,
      topRisks: [{ ...executive.topRisks[0], userId: '=cmd|x' }],
    }).toString('utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('section,key,subkey,metric,value');
    expect(lines).toContain('headline,,,events,12345');
    expect(lines).toContain('violations_by_severity,critical,,opened,3');
    expect(lines).toContain('posture,GDPR,,share,31.3');
    expect(lines).toContain('posture,overall,,active_viewers,1000');
    expect(lines).toContain("top_risks,'=cmd|x,,score,0.987");
  });
});

describe('chart scales', () => {
  it('round to 1, 2 or 5 times a power of ten', () => {
    expect(niceScale(12345)).toEqual({ top: 15000, step: 5000 });
    expect(niceScale(9000)).toEqual({ top: 10000, step: 2000 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(0)).toEqual({ top: 5, step: 1 });
  });
});
