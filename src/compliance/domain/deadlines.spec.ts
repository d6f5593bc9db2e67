import { seedRuleSet } from '../rule-packs';
import {
  addCalendarMonths,
  calendarForJurisdiction,
  computeDue,
  computeDueDetail,
  findOverdue,
  type DsrCalendar,
  type DsrTimeline,
} from './deadlines';
import type { DsrRecord } from './viewer-state';

const d = (iso: string) => new Date(iso);
const opened = (iso: string, extra: Partial<DsrTimeline> = {}): DsrTimeline => ({
  openedAt: d(iso),
  ...extra,
});
const dueDay = (request: DsrTimeline, calendar: DsrCalendar, asOf?: string) =>
  computeDue(request, calendar, asOf ? d(asOf) : undefined).toISOString();

describe('calendar months', () => {
  it.each([
    ['2025-01-31T10:00:00Z', '2025-02-28T10:00:00.000Z'],
    ['2024-01-31T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['2025-03-31T10:00:00Z', '2025-04-30T10:00:00.000Z'],
    ['2025-01-15T10:00:00Z', '2025-02-15T10:00:00.000Z'],
    ['2025-12-31T10:00:00Z', '2026-01-31T10:00:00.000Z'],
  ])('%s + 1 month = %s', (from, to) => {
    expect(new Date(addCalendarMonths(Date.parse(from), 1)).toISOString()).toBe(to);
  });
});

describe('GDPR (one calendar month, +2 with a timely extension)', () => {
  it('31 Jan → end of 28 Feb, or 29 Feb in a leap year', () => {
    expect(dueDay(opened('2025-01-31T10:00:00Z'), 'GDPR')).toBe('2025-02-28T23:59:59.999Z');
    expect(dueDay(opened('2024-01-31T10:00:00Z'), 'GDPR')).toBe('2024-02-29T23:59:59.999Z');
  });

  it('31 Mar → end of 30 Apr; 15 Mar → end of 15 Apr', () => {
    expect(dueDay(opened('2025-03-31T00:00:00Z'), 'GDPR')).toBe('2025-04-30T23:59:59.999Z');
    expect(dueDay(opened('2025-03-15T23:00:00Z'), 'GDPR')).toBe('2025-04-15T23:59:59.999Z');
  });

  it('an extension notified before the first due date makes it three months from receipt', () => {
    const r = opened('2025-01-31T10:00:00Z', { extension: { notifiedAt: d('2025-02-20T10:00:00Z') } });
    expect(dueDay(r, 'GDPR')).toBe('2025-04-30T23:59:59.999Z');
    expect(computeDueDetail(r, 'GDPR').extended).toBe(true);
  });

  it('an extension notified after the first due date does not count', () => {
    const r = opened('2025-01-31T10:00:00Z', { extension: { notifiedAt: d('2025-03-01T10:00:00Z') } });
    expect(dueDay(r, 'GDPR')).toBe('2025-02-28T23:59:59.999Z');
    expect(computeDueDetail(r, 'GDPR')).toMatchObject({ extended: false, extensionTooLate: true });
  });

  it('ignores pauses (only the UK stops the clock)', () => {
    const r = opened('2026-03-01T09:00:00Z', {
      pauses: [{ from: d('2026-03-03T09:00:00Z'), to: d('2026-03-10T09:00:00Z') }],
    });
    expect(dueDay(r, 'GDPR')).toBe('2026-04-01T23:59:59.999Z');
  });
});

describe('UK GDPR (stop the clock)', () => {
  it('adds paused time: opened 1 Mar, paused 3-10 Mar → end of 8 Apr', () => {
    const r = opened('2026-03-01T09:00:00Z', {
      pauses: [{ from: d('2026-03-03T09:00:00Z'), to: d('2026-03-10T09:00:00Z') }],
    });
    expect(dueDay(r, 'UK_GDPR')).toBe('2026-04-08T23:59:59.999Z');
  });

  it('counts an open pause up to asOf', () => {
    const r = opened('2026-03-01T09:00:00Z', { pauses: [{ from: d('2026-03-03T09:00:00Z'), to: null }] });
    expect(dueDay(r, 'UK_GDPR', '2026-03-13T09:00:00Z')).toBe('2026-04-11T23:59:59.999Z');
  });

  it('adds several pauses and an extension', () => {
    const r = opened('2026-01-31T09:00:00Z', {
      pauses: [
        { from: d('2026-02-01T00:00:00Z'), to: d('2026-02-03T00:00:00Z') },
        { from: d('2026-02-10T00:00:00Z'), to: d('2026-02-11T00:00:00Z') },
      ],
      extension: { notifiedAt: d('2026-02-20T00:00:00Z') },
    });
    // 31 Jan + 3 months = 30 Apr, + 3 days paused.
    expect(dueDay(r, 'UK_GDPR')).toBe('2026-05-03T23:59:59.999Z');
  });
});

describe('CCPA (45 days, +45 with notice in the first 45)', () => {
  it('1 Mar → end of 15 Apr', () => {
    expect(dueDay(opened('2026-03-01T10:00:00Z'), 'CCPA')).toBe('2026-04-15T23:59:59.999Z');
  });

  it('extension notified in time → 90 days (30 May)', () => {
    const r = opened('2026-03-01T10:00:00Z', { extension: { notifiedAt: d('2026-04-10T10:00:00Z') } });
    expect(dueDay(r, 'CCPA')).toBe('2026-05-30T23:59:59.999Z');
  });

  it('extension notified late → still 45 days', () => {
    const r = opened('2026-03-01T10:00:00Z', { extension: { notifiedAt: d('2026-04-16T10:00:00Z') } });
    expect(dueDay(r, 'CCPA')).toBe('2026-04-15T23:59:59.999Z');
  });
});

describe('LGPD (15 days) and PIPEDA (30 days, +30)', () => {
  it('LGPD: 1 Mar → end of 16 Mar; an extension changes nothing', () => {
    expect(dueDay(opened('2026-03-01T10:00:00Z'), 'LGPD')).toBe('2026-03-16T23:59:59.999Z');
    const r = opened('2026-03-01T10:00:00Z', { extension: { notifiedAt: d('2026-03-02T10:00:00Z') } });
    expect(dueDay(r, 'LGPD')).toBe('2026-03-16T23:59:59.999Z');
  });

  it('PIPEDA: 1 Mar → end of 31 Mar; with timely notice → end of 30 Apr', () => {
    expect(dueDay(opened('2026-03-01T10:00:00Z'), 'PIPEDA')).toBe('2026-03-31T23:59:59.999Z');
    const r = opened('2026-03-01T10:00:00Z', { extension: { notifiedAt: d('2026-03-20T10:00:00Z') } });
    expect(dueDay(r, 'PIPEDA')).toBe('2026-04-30T23:59:59.999Z');
    const late = opened('2026-03-01T10:00:00Z', { extension: { notifiedAt: d('2026-04-02T10:00:00Z') } });
    expect(dueDay(late, 'PIPEDA')).toBe('2026-03-31T23:59:59.999Z');
  });
});

describe('calendarForJurisdiction', () => {
  const eea = (c: string) => ['DE', 'FR'].includes(c);
  it.each([
    ['DE', 'GDPR'],
    ['EU', 'GDPR'],
    ['GB', 'UK_GDPR'],
    ['US-CA', 'CCPA'],
    ['BR', 'LGPD'],
    ['CA', 'PIPEDA'],
    ['JP', null],
  ])('%s → %s', (j, calendar) => {
    expect(calendarForJurisdiction(j, eea)).toBe(calendar);
  });

  it('asks the state table for another US state, and finds none without it', () => {
    const table = (code: string) => (code === 'US-IA' ? 'ICDPA' : code === 'US-VA' ? 'CCPA' : null);
    expect(calendarForJurisdiction('US-IA', eea, table)).toBe('ICDPA');
    expect(calendarForJurisdiction('us-va', eea, table)).toBe('CCPA');
    expect(calendarForJurisdiction('US-AL', eea, table)).toBeNull();
    expect(calendarForJurisdiction('US-VA', eea)).toBeNull();
  });
});

describe('findOverdue (scheduler, no event needed)', () => {
  const rules = seedRuleSet();
  const request = (over: Partial<DsrRecord>): DsrRecord => ({
    requestId: 'r-1',
    type: 'access',
    jurisdiction: 'DE',
    format: null,
    openedAt: Date.parse('2026-03-31T10:00:00Z'),
    openedEventId: 'e-open',
    extension: null,
    pauses: [],
    completedAt: null,
    refusedAt: null,
    closedEventId: null,
    recipientsNotified: [],
    ...over,
  });

  it('reports each law’s request past its own deadline, once per request', () => {
    const requests = [
      { userId: 'u-de', request: request({}) },
      {
        userId: 'u-br',
        request: request({ jurisdiction: 'BR', openedAt: Date.parse('2026-04-20T10:00:00Z') }),
      },
      {
        userId: 'u-ca',
        request: request({
          jurisdiction: 'US-CA',
          type: 'delete',
          openedAt: Date.parse('2026-04-01T10:00:00Z'),
        }),
      },
    ];
    const findings = findOverdue(requests, d('2026-05-06T12:00:00Z'), rules);
    const overdue = findings.filter((f) => f.severity !== 'low').map((f) => [f.ruleId, f.userId]);
    expect(overdue).toEqual(
      expect.arrayContaining([
        ['GDPR-03', 'u-de'],
        ['LGPD-01', 'u-br'],
      ]),
    );
    expect(overdue).toHaveLength(2); // the CCPA request is due 16 May
    const gdpr = findings.find((f) => f.ruleId === 'GDPR-03')!;
    expect(gdpr).toMatchObject({
      eventId: null,
      evidenceEventIds: ['e-open'],
      dedupeKey: 'GDPR-03@1:u-de:dsr:r-1',
    });
  });

  it('ignores closed requests', () => {
    const closed = request({ completedAt: Date.parse('2026-04-10T10:00:00Z') });
    expect(findOverdue([{ userId: 'u-de', request: closed }], d('2026-06-01T00:00:00Z'), rules)).toEqual([]);
  });
});
