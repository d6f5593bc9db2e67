import { dayWindow, hourWindow, previousPeriod, previousWholePeriods, rangeProblem, resolveRange, wholeDays } from './time-range';

const d = (iso: string) => new Date(iso);

describe('time ranges', () => {
  it('defaults to the 30 days up to the end of the current hour', () => {
    const range = resolveRange(undefined, undefined, d('2026-03-10T12:34:56Z'));
    expect(range.to.toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(range.from.toISOString()).toBe('2026-02-08T13:00:00.000Z');
  });

  it('widens to whole hours and whole UTC days', () => {
    const range = { from: d('2026-03-01T10:15:00Z'), to: d('2026-03-03T00:00:00Z') };
    expect(hourWindow(range)).toEqual({ from: d('2026-03-01T10:00:00Z'), to: d('2026-03-03T00:00:00Z') });
    expect(dayWindow(range)).toEqual({ fromDay: '2026-03-01', toDay: '2026-03-03' });
    expect(dayWindow({ from: d('2026-03-01T10:00:00Z'), to: d('2026-03-01T10:00:01Z') })).toEqual({
      fromDay: '2026-03-01',
      toDay: '2026-03-02',
    });
  });

  it('gives the previous period of the same length', () => {
    expect(previousPeriod({ from: d('2026-03-10T00:00:00Z'), to: d('2026-03-20T00:00:00Z') })).toEqual({
      from: d('2026-02-28T00:00:00Z'),
      to: d('2026-03-10T00:00:00Z'),
    });
  });

  it('compares a window with the whole hours and days just before the ones it is counted over', () => {
    // A minute-long window is counted over its hour and its day: the previous period must not be that same hour or day.
    const minute = { from: d('2026-03-10T04:52:00Z'), to: d('2026-03-10T04:53:00Z') };
    expect(previousWholePeriods(minute)).toEqual({
      hours: { from: d('2026-03-10T03:00:00Z'), to: d('2026-03-10T04:00:00Z') },
      days: { from: d('2026-03-09T00:00:00Z'), to: d('2026-03-10T00:00:00Z') },
    });
    expect(wholeDays(minute)).toEqual({ from: d('2026-03-10T00:00:00Z'), to: d('2026-03-11T00:00:00Z') });
    // An aligned window keeps its plain previous period.
    const days = { from: d('2026-03-01T00:00:00Z'), to: d('2026-03-04T00:00:00Z') };
    expect(previousWholePeriods(days)).toEqual({ hours: previousPeriod(days), days: previousPeriod(days) });
  });

  it('refuses empty, reversed, too long and absurd windows, naming the field', () => {
    expect(rangeProblem({ from: d('2026-03-10T00:00:00Z'), to: d('2026-03-10T00:00:00Z') })).toEqual({
      field: 'to',
      problem: 'to must be after from',
    });
    expect(rangeProblem({ from: d('2025-01-01T00:00:00Z'), to: d('2026-03-10T00:00:00Z') })?.field).toBe(
      'to',
    );
    expect(rangeProblem({ from: d('1999-12-31T00:00:00Z'), to: d('2026-03-10T00:00:00Z') })?.field).toBe(
      'from',
    );
    expect(rangeProblem({ from: d('2026-01-01T00:00:00Z'), to: d('2027-02-04T00:00:00Z') })).toBeNull();
  });
});
