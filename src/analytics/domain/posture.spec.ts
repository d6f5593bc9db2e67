import { byAttention, emptyFigures, measure, postureShare, postureTrend } from './posture';

describe('compliance posture', () => {
  it('is the share of active viewers with no open case, to one decimal', () => {
    expect(postureShare(4, 1)).toBe(75);
    expect(postureShare(3, 1)).toBe(66.7);
    expect(postureShare(10, 0)).toBe(100);
    expect(postureShare(10, 10)).toBe(0);
  });

  it('stays informative with many open cases and none resolved', () => {
    // 800 open cases, all on 40 of 1000 active viewers, nothing resolved: the old score read 0.
    const m = measure({
      activeViewers: 1000,
      activeViewersWithOpenCase: 40,
      openCases: 800,
      openCaseAge: { medianDays: 3.21, p90Days: 12.06, oldestDays: 40.44 },
      opened: 800,
      resolved: 0,
    });
    expect(m.share).toBe(96);
    expect(m.backlogChange).toBe(800);
    expect(m.openCaseAge).toEqual({ medianDays: 3.2, p90Days: 12.1, oldestDays: 40.4 });
    // …and it moves when the cases spread over more viewers, which a saturated score cannot show.
    expect(postureShare(1000, 400)).toBe(60);
  });

  it('has no share without active viewers, and says so with null rather than 0 or 100', () => {
    const t = postureTrend(
      { ...emptyFigures(0), openCases: 5, openCaseAge: { medianDays: 1, p90Days: 2, oldestDays: 3 } },
      emptyFigures(10),
    );
    expect(t.current.share).toBeNull();
    expect(t.current.openCases).toBe(5);
    expect(t.previous.share).toBe(100);
    expect(t.change).toBeNull();
  });

  it('compares with the previous window in percentage points, and has no trend when it was empty', () => {
    const t = postureTrend(
      { ...emptyFigures(4), activeViewersWithOpenCase: 1 },
      { ...emptyFigures(2), activeViewersWithOpenCase: 1 },
    );
    expect([t.current.share, t.previous.share, t.change]).toEqual([75, 50, 25]);
    const empty = postureTrend({ ...emptyFigures(4), activeViewersWithOpenCase: 3 }, emptyFigures(0));
    expect([empty.current.share, empty.previous.share, empty.change]).toEqual([25, null, null]);
  });

  it('sorts the lowest share first, frameworks without active viewers last', () => {
    const f = (framework: string, share: number | null) => ({ framework, current: { share } });
    expect(
      [f('B', 75), f('C', null), f('A', 75), f('D', 10)].sort(byAttention).map((x) => x.framework),
    ).toEqual(['D', 'A', 'B', 'C']);
  });
});
