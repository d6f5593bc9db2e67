import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RollupMaintainer } from '../../src/analytics/rollups/rollup-maintainer';
import { executiveHeadline } from '../../src/reporting/executive-headline';
import { ReportsService } from '../../src/reporting/reports.service';
import { readPdfContent } from '../../tools/testing/reporting/pdf-content';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { TEST_DATABASE_URL } from '../support/test-database';
import { tokenFor } from '../support/users';
import { fixtureFolded, foldUntil, insertFixture, PERIOD, removeFixture } from './support/analytics-fixture';

/** A binary-safe supertest parser: the download as a Buffer whatever its content type. */
const binary = ((res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as (res: request.Response, done: (err: Error | null, body: unknown) => void) => void;

describe('reports: executive, compliance and performance as JSON, CSV and PDF', () => {
  let t: TestApp;
  let ds: DataSource;
  let maintainer: RollupMaintainer;
  let officer: string;
  let auditor: string;
  let analyst: string;

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) =>
      request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });

  /** Requests a report, waits for the reports queue to finish it, downloads it. */
  async function generate(type: string, format: string, period = PERIOD) {
    const created = await as(officer)
      .post('/reports', { type, format, ...period })
      .expect(202);
    expect(created.body).toMatchObject({
      type,
      format,
      status: 'queued',
      from: period.from,
      to: period.to,
      downloadUrl: null,
    });
    const done = await waitFor(
      async () => (await as(analyst).get(`/reports/${created.body.id}`).expect(200)).body,
      (r) => r.status === 'done' || r.status === 'failed',
    );
    expect(done).toMatchObject({
      status: 'done',
      error: null,
      downloadUrl: `/api/v1/reports/${created.body.id}/download`,
    });
    const file = await as(auditor)
      .get(`/reports/${created.body.id}/download`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(done.sizeBytes).toBe(file.body.length);
    return { id: created.body.id as string, file: file.body as Buffer, headers: file.headers };
  }

  beforeAll(async () => {
    // The full app: the reports queue is worked in this process. The fixture's findings are linked to
    // a violation, so the violation sweeper leaves them alone.
    t = await bootTestApp();
    ds = t.app.get(DataSource);
    maintainer = t.app.get(RollupMaintainer, { strict: false });
    await removeFixture(ds, maintainer);
    await insertFixture(ds, { activeModel: false });
    await foldUntil(ds, maintainer, fixtureFolded);
    officer = await tokenFor(t.app, [Role.ComplianceOfficer]);
    auditor = await tokenFor(t.app, [Role.Auditor]);
    analyst = await tokenFor(t.app, [Role.Analyst]);
  });

  afterAll(async () => {
    await removeFixture(ds, maintainer);
    await t.close();
  });

  it('executive summary as JSON: headline numbers, severities, trend vs the previous period', async () => {
    const { file, headers } = await generate('executive', 'json');
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers['content-disposition']).toBe(
      'attachment; filename="executive-report_2005-03-01_2005-03-03.json"',
    );
    const report = JSON.parse(file.toString('utf8'));
    expect(report).toMatchObject({
      type: 'executive',
      period: PERIOD,
      previousPeriod: { from: '2005-02-26T00:00:00.000Z', to: '2005-03-01T00:00:00.000Z' },
      headline: {
        events: 9,
        eventsPrevious: 4,
        eventsChangePct: 125,
        violationsOpened: 4,
        violationsOpenedPrevious: 1,
        violationsChangePct: 300,
        violationsResolved: 3,
        violationsOpenAtEnd: 3,
        criticalOpenAtEnd: 1,
        // of the 4 active viewers, 2 had an open case at the end (1 in the previous period's 2)
        postureShare: 50,
        postureSharePrevious: 50,
        postureActiveViewers: 4,
        postureMedianOpenDays: 2.7,
        findings: 5,
      },
      violationsBySeverity: [
        { severity: 'critical', current: 1, previous: 0, openAtEnd: 1 },
        { severity: 'high', current: 0, previous: 0, openAtEnd: 1 },
        { severity: 'medium', current: 1, previous: 1, openAtEnd: 0 },
        { severity: 'low', current: 2, previous: 0, openAtEnd: 1 },
      ],
      eventsPerDay: [
        { day: '2005-03-01', events: 6 },
        { day: '2005-03-02', events: 1 },
        { day: '2005-03-03', events: 2 },
      ],
      topEventTypes: [
        { type: 'playback.started', events: 4 },
        { type: 'auth.login.failed', events: 3 },
        { type: 'consent.granted', events: 2 },
      ],
      findingsByKind: [
        { kind: 'compliance', findings: 3 },
        { kind: 'ml', findings: 1 },
        { kind: 'security', findings: 1 },
      ],
    });
    const posture = Object.fromEntries(
      report.posture.frameworks.map((f: { framework: string; current: { share: number } }) => [
        f.framework,
        f.current.share,
      ]),
    );
    expect(posture).toMatchObject({ 'T-GDPR': 75, 'T-CCPA': 75 });
  });

  it('executive summary as a PDF with its charts and figures', async () => {
    const { file, headers } = await generate('executive', 'pdf');
    expect(headers['content-type']).toBe('application/pdf');
    expect(headers['content-disposition']).toBe(
      'attachment; filename="executive-report_2005-03-01_2005-03-03.pdf"',
    );
    const pdf = readPdfContent(file, { inflate: true });
    expect(pdf.texts).toEqual(
      expect.arrayContaining([
        'Executive summary',
        'Period: 2005-03-01 00:00 UTC to 2005-03-04 00:00 UTC',
        'Events processed',
        '9',
        '+125.0% vs previous (4)',
        '+300.0% vs previous (1)',
        'Viewers, no open case',
        '50.0 %',
        'prev. 50.0 %, median 2.7 d',
        '1 critical, 3 resolved',
        'Events per day',
        '03-01',
        '03-03',
        'Violations opened by severity: this period vs previous',
        'this period',
        'previous period',
        'Active viewers with no open case, by framework (%)',
        'T-GDPR',
        '75',
        'T-CCPA',
        'Top risk viewers',
      ]),
    );
    // bars: 3 days + 4 severities x 3 series (the non-zero ones) + posture bars, besides tiles and table rows
    expect(pdf.rectangles).toBeGreaterThanOrEqual(3 + 7 + 2);
    expect(pdf.lineSegments).toBeGreaterThan(20);
  });

  it('compliance report as CSV: per framework rules, violations and open cases, DSR deadlines, consents', async () => {
    const { file, headers } = await generate('compliance', 'csv');
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toBe(
      'attachment; filename="compliance-report_2005-03-01_2005-03-03.csv"',
    );
    const lines = file.toString('utf8').split('\r\n');
    expect(lines[0]).toBe('section,key,subkey,metric,value');
    expect(lines).toEqual(
      expect.arrayContaining([
        'violations,T-GDPR,critical,opened,1',
        'violations,T-GDPR,low,opened,1',
        'violations,T-GDPR,medium,resolved,2',
        'violations,T-GDPR,critical,open_at_end,1',
        'violations,T-GDPR,low,open_at_end,1',
        'violations,T-CCPA,high,open_at_end,1',
        'framework,T-GDPR,,posture_share,75',
        'framework,T-GDPR,,posture_share_previous,50',
        'framework,T-GDPR,,median_open_days,2.2',
        'framework,T-GDPR,,open_cases,2',
        'framework,T-GDPR,,unassigned_cases,2',
        'framework,T-CCPA,,acknowledged_cases,1',
        'framework,T-CCPA,,posture_share,75',
        'framework,T-CCPA,,posture_share_previous,100',
        'framework,T-ML,,open_cases,1',
        'rules,T-GDPR,T-GDPR-A,opened,3',
        'rules,T-GDPR,T-GDPR-A,open_now,2',
        'rules,T-CCPA,T-CCPA-A,opened,1',
        'dsr,access,,completed,2',
        'dsr,access,,deadlines_met,1',
        'dsr,access,,deadlines_missed,1',
        'dsr,access,,median_days_to_answer,7.5',
        'dsr,erasure,,opened,1',
        'dsr,erasure,,deadlines_missed,1',
        'dsr,erasure,,open_at_end,2',
        'dsr,erasure,,overdue_at_end,1',
        'dsr,portability,,refused,1',
        'dsr,portability,,deadlines_met,1',
        'dsr,portability,,median_days_to_answer,1',
        'dsr,all,,deadlines_met,2',
        'dsr,all,,deadlines_missed,2',
        'consents,analytics,,granted,2',
        'consents,analytics,,withdrawn,1',
        'consents,marketing,,granted,1',
        'consents,marketing,,withdrawn,0',
        'consents,all,,granted,3',
        'consents,all,,withdrawn,1',
      ]),
    );
    expect(lines).not.toContain('rules,T-GDPR,T-GDPR-B,opened,0'); // resolved before the period: not listed
  });

  it('compliance report as a PDF, performance report as JSON and PDF', async () => {
    const compliance = readPdfContent((await generate('compliance', 'pdf')).file, { inflate: true });
    expect(compliance.texts).toEqual(
      expect.arrayContaining([
        'Compliance report',
        'Violations by framework: opened, resolved, open at end of period',
        'Data-subject requests: deadlines met vs missed, by request type',
        'Consent grants and withdrawals by purpose',
        '2 / 2',
        'T-GDPR',
        'analytics',
        'marketing',
        'erasure',
      ]),
    );

    const json = JSON.parse((await generate('performance', 'json')).file.toString('utf8'));
    expect(json.performance).toMatchObject({
      bucket: 'hour',
      throughput: { events: 150, peakEventsPerMinute: 100 },
      endToEnd: { batches: 2, p50Ms: 2000, p95Ms: 2900, p99Ms: 2980 },
      deadLetters: { inWindow: 1, inWindowByStage: { compliance: 1 } },
    });
    const pdf = readPdfContent((await generate('performance', 'pdf')).file, { inflate: true });
    expect(pdf.texts).toEqual(
      expect.arrayContaining([
        'Pipeline performance report',
        'Events through the pipeline per hour',
        'Batch time per stage (ms): mean and max',
        'Dead-lettered batches by stage',
        '150',
        '2,900 ms',
        'p50 2,000 ms, p99 2,980 ms',
        'reception',
        '20.0',
      ]),
    );
  });

  it('runs the daily executive report once per day, from the schedule', async () => {
    const reports = t.app.get(ReportsService, { strict: false });
    const id = await reports.scheduleDailyExecutive(new Date('2005-03-04T00:10:00Z'));
    expect(id).toEqual(expect.any(String));
    expect(await reports.scheduleDailyExecutive(new Date('2005-03-04T00:40:00Z'))).toBeNull();
    const done = await waitFor(
      async () => (await as(auditor).get(`/reports/${id}`).expect(200)).body,
      (r) => r.status === 'done',
    );
    expect(done).toMatchObject({
      type: 'executive',
      format: 'pdf',
      from: '2005-03-03T00:00:00.000Z',
      to: '2005-03-04T00:00:00.000Z',
      requestedBy: 'schedule:daily-executive',
    });
    const file = await as(auditor).get(`/reports/${id}/download`).buffer(true).parse(binary).expect(200);
    // 03-03: 2 events (03-02: 1 → +100 %)
    expect(readPdfContent(file.body, { inflate: true }).texts).toEqual(
      expect.arrayContaining(['2', '+100.0% vs previous (1)']),
    );
  });

  it('lists reports, refuses downloads before they are done, and checks roles and input', async () => {
    const list = await as(auditor).get('/reports?type=executive&limit=200').expect(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(3);
    expect(list.body.items.every((r: { type: string }) => r.type === 'executive')).toBe(true);
    expect(list.body.items[0]).not.toHaveProperty('content');

    const [{ id }] = await ds.query(
      `INSERT INTO reports (type, format, period_start, period_end, requested_by) VALUES ('compliance', 'csv', '2005-03-01', '2005-03-02', 'ana-test') RETURNING id`,
    );
    await as(analyst).get(`/reports/${id}/download`).expect(409);
    await as(analyst).get('/reports/00000000-0000-4000-8000-000000000000').expect(404);
    await as(analyst).get('/reports/not-a-uuid').expect(400);

    await as(analyst)
      .post('/reports', { type: 'executive', format: 'pdf', ...PERIOD })
      .expect(403);
    await as(auditor)
      .post('/reports', { type: 'executive', format: 'pdf', ...PERIOD })
      .expect(403);
    await as(await tokenFor(t.app, [Role.Operator]))
      .get('/reports')
      .expect(403);
    await as(await tokenFor(t.app, [Role.Admin]))
      .post('/reports', { type: 'performance', format: 'json', ...PERIOD })
      .expect(202);

    const fields = async (body: object) =>
      (await as(officer).post('/reports', body).expect(400)).body.details.map(
        (d: { field: string }) => d.field,
      );
    expect(await fields({ type: 'weekly', format: 'pdf', ...PERIOD })).toEqual(['type']);
    expect(await fields({ type: 'executive', format: 'docx', ...PERIOD })).toEqual(['format']);
    expect(await fields({ type: 'executive', format: 'pdf', from: PERIOD.to, to: PERIOD.from })).toEqual([
      'to',
    ]);
    expect(await fields({ type: 'executive', format: 'pdf', to: PERIOD.to })).toEqual(['from']);
  });

  it('executiveHeadline prints the headline numbers for scripts, from a plain pg client', async () => {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const lines = await executiveHeadline(client, new Date(PERIOD.from), new Date(PERIOD.to));
      expect(lines[0]).toBe('Executive summary 2005-03-01 00:00 to 2005-03-04 00:00 UTC');
      expect(lines[1]).toBe('Events processed: 9 (+125.0% vs previous period: 4)');
      expect(lines[2]).toBe(
        'Violations opened: 4 (critical 1, high 0, medium 1, low 2); previous period 1 (+300.0%)',
      );
      expect(lines[3]).toBe('Resolved in period: 3; open at end: 3 (1 critical)');
      expect(lines[4]).toMatch(
        /^Compliance posture: 50\.0 % of 4 active viewers had no open violation \(previous 50\.0 %\), median open case 2\.7 days; lowest: 75\.0 % had no open T-CCPA violation \(previous 100\.0 %\), median open case 11\.7 days; 75\.0 % had no open T-GDPR violation \(previous 50\.0 %\), median open case 2\.2 days/,
      );
      expect(lines[5]).toMatch(/^Top risk viewers: /);
      expect(lines[6]).toBe('Findings: 3 compliance, 1 ml, 1 security');

      // A window inside one hour is counted over that whole hour and day, and compared with the hour
      // and the day before them (not with the same buckets again).
      const events = (l: string[]) => /: (\d+) \(.* vs previous period: (\d+)\)$/.exec(l[1])!.slice(1).map(Number);
      const short = await executiveHeadline(client, new Date('2005-03-01T10:20:00Z'), new Date('2005-03-01T10:40:00Z'));
      expect(short[1]).toMatch(/^Events processed \(whole hours 2005-03-01 10:00 to 2005-03-01 11:00\): /);
      expect(short[2]).toMatch(/^Violations opened \(UTC day 2005-03-01\): /);
      const hour = await executiveHeadline(client, new Date('2005-03-01T10:00:00Z'), new Date('2005-03-01T11:00:00Z'));
      const hourBefore = await executiveHeadline(client, new Date('2005-03-01T09:00:00Z'), new Date('2005-03-01T10:00:00Z'));
      expect(events(short)).toEqual([events(hour)[0], events(hourBefore)[0]]);
      expect(events(short)).toEqual([3, 0]); // the fixture's 10:15 and 10:45 events; none from 09:00
      const day = await executiveHeadline(client, new Date('2005-03-01T00:00:00Z'), new Date('2005-03-02T00:00:00Z'));
      expect(short[2].replace(/^Violations opened \(UTC day 2005-03-01\)/, 'Violations opened')).toBe(day[2]);
    } finally {
      await client.end();
    }
  });
});
