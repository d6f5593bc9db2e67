import {
  PerformanceAnswer,
  performanceFromRollups,
  PostureAnswer,
  postureFromRollups,
} from '../../analytics/analytics-readers';
import { emptyCounts, SEVERITIES, Severity, SeverityCounts } from '../../analytics/domain/posture';
import { DAY_MS, dayWindow, hourWindow, previousWholePeriods, TimeRange } from '../../analytics/domain/time-range';
import { RollupFigures, TopRiskRow } from '../../analytics/rollup-figures';
import { ReportType } from './report-kinds';

interface ReportBase {
  title: string;
  period: { from: string; to: string };
  generatedAt: string;
}

export interface ExecutiveReport extends ReportBase {
  type: 'executive';
  previousPeriod: { from: string; to: string };
  headline: {
    events: number;
    eventsPrevious: number;
    /** percent change vs the previous period; null when the previous period had none */
    eventsChangePct: number | null;
    violationsOpened: number;
    violationsOpenedPrevious: number;
    violationsChangePct: number | null;
    violationsResolved: number;
    violationsOpenAtEnd: number;
    criticalOpenAtEnd: number;
    /** percent of active viewers with no open case at the end of the period (null: nobody active) */
    postureShare: number | null;
    postureSharePrevious: number | null;
    postureActiveViewers: number;
    /** median age in days of the cases open at the end of the period (null: none open) */
    postureMedianOpenDays: number | null;
    findings: number;
  };
  violationsBySeverity: { severity: Severity; current: number; previous: number; openAtEnd: number }[];
  eventsPerDay: { day: string; events: number }[];
  topEventTypes: { type: string; events: number }[];
  posture: PostureAnswer;
  topRisks: TopRiskRow[];
  findingsByKind: { kind: string; findings: number }[];
}

export interface ComplianceReport extends ReportBase {
  type: 'compliance';
  frameworks: {
    framework: string;
    rules: number;
    rulesBySeverity: SeverityCounts;
    opened: SeverityCounts;
    resolved: SeverityCounts;
    openAtEnd: SeverityCounts;
    openCases: { open: number; acknowledged: number; unassigned: number };
    /** percent of active viewers with no open case of the framework; null when nobody was active */
    postureShare: number | null;
    postureSharePrevious: number | null;
    medianOpenDays: number | null;
    topRules: { ruleId: string; title: string | null; opened: number; openNow: number }[];
  }[];
  dsr: {
    byType: Awaited<ReturnType<RollupFigures['dsrStats']>>;
    totals: {
      opened: number;
      completed: number;
      refused: number;
      deadlinesMet: number;
      deadlinesMissed: number;
      openAtEnd: number;
      overdueAtEnd: number;
    };
  };
  consents: {
    byPurpose: { purpose: string; granted: number; withdrawn: number }[];
    totals: { granted: number; withdrawn: number };
  };
}

export interface PerformanceReport extends ReportBase {
  type: 'performance';
  performance: PerformanceAnswer;
}

export type Report = ExecutiveReport | ComplianceReport | PerformanceReport;

const TOP_RULES = 5;
const TOP_RISKS = 10;

/** Builds a report's content from the rollups (analytics' RollupFigures): the same figures as the analytics API. */
export class ReportBuilder {
  constructor(
    private readonly queries: RollupFigures,
    private readonly now: () => Date = () => new Date(),
  ) {}

  build(type: ReportType, range: TimeRange): Promise<Report> {
    switch (type) {
      case 'executive':
        return this.executive(range);
      case 'compliance':
        return this.compliance(range);
      case 'performance':
        return this.performance(range);
    }
  }

  async executive(range: TimeRange): Promise<ExecutiveReport> {
    // Events are counted over whole hours and violations over whole UTC days: each is compared with
    // the same span of whole buckets just before.
    const previous = previousWholePeriods(range);
    const [
      events,
      eventsPrevious,
      counts,
      countsPrevious,
      eventsPerDay,
      topEventTypes,
      posture,
      risks,
      findings,
    ] = await Promise.all([
      this.queries.eventTotal(hourWindow(range)),
      this.queries.eventTotal(previous.hours),
      this.queries.violationCounts(dayWindow(range)),
      this.queries.violationCounts(dayWindow(previous.days)),
      this.queries.eventsPerDay(hourWindow(range)),
      this.queries.topEventTypes(hourWindow(range), 8),
      postureFromRollups(this.queries, range),
      this.queries.topRisk({ limit: TOP_RISKS, offset: 0 }),
      this.queries.findingsByKind(dayWindow(range)),
    ]);
    const sum = (list: typeof counts, field: 'opened' | 'resolved' | 'open', severity?: Severity) =>
      list.reduce(
        (total, c) =>
          total + (severity ? c[field][severity] : SEVERITIES.reduce((s, sev) => s + c[field][sev], 0)),
        0,
      );
    const opened = sum(counts, 'opened');
    const openedPrevious = sum(countsPrevious, 'opened');
    const kinds = new Map<string, number>();
    for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + f.findings);
    return {
      type: 'executive',
      title: 'Executive summary',
      ...this.base(range),
      previousPeriod: { from: previous.days.from.toISOString(), to: previous.days.to.toISOString() },
      headline: {
        events,
        eventsPrevious,
        eventsChangePct: changePct(events, eventsPrevious),
        violationsOpened: opened,
        violationsOpenedPrevious: openedPrevious,
        violationsChangePct: changePct(opened, openedPrevious),
        violationsResolved: sum(counts, 'resolved'),
        violationsOpenAtEnd: sum(counts, 'open'),
        criticalOpenAtEnd: sum(counts, 'open', 'critical'),
        postureShare: posture.overall.current.share,
        postureSharePrevious: posture.overall.previous.share,
        postureActiveViewers: posture.overall.current.activeViewers,
        postureMedianOpenDays: posture.overall.current.openCaseAge?.medianDays ?? null,
        findings: [...kinds.values()].reduce((a, b) => a + b, 0),
      },
      violationsBySeverity: [...SEVERITIES].reverse().map((severity) => ({
        severity,
        current: sum(counts, 'opened', severity),
        previous: sum(countsPrevious, 'opened', severity),
        openAtEnd: sum(counts, 'open', severity),
      })),
      eventsPerDay,
      topEventTypes,
      posture,
      topRisks: risks.items,
      findingsByKind: [...kinds]
        .map(([kind, n]) => ({ kind, findings: n }))
        .sort((a, b) => b.findings - a.findings),
    };
  }

  async compliance(range: TimeRange): Promise<ComplianceReport> {
    const days = dayWindow(range);
    const [counts, rules, byRule, cases, dsr, consents, posture] = await Promise.all([
      this.queries.violationCounts(days),
      this.queries.rulesByFramework(),
      this.queries.violationsByRule(range),
      this.queries.openCases(),
      this.queries.dsrStats(range),
      this.queries.consentsByPurpose(days),
      postureFromRollups(this.queries, range),
    ]);
    const names = new Set<string>([
      ...counts.map((c) => c.framework),
      ...rules.map((r) => r.framework),
      ...cases.map((c) => c.framework),
    ]);
    const frameworks = [...names].sort().map((framework) => {
      const c = counts.find((x) => x.framework === framework);
      const r = rules.find((x) => x.framework === framework);
      const open = cases.find((x) => x.framework === framework);
      return {
        framework,
        rules: r?.enabled ?? 0,
        rulesBySeverity: r?.bySeverity ?? emptyCounts(),
        opened: c?.opened ?? emptyCounts(),
        resolved: c?.resolved ?? emptyCounts(),
        openAtEnd: c?.open ?? emptyCounts(),
        openCases: {
          open: open?.open ?? 0,
          acknowledged: open?.acknowledged ?? 0,
          unassigned: open?.unassigned ?? 0,
        },
        ...frameworkPosture(posture, framework),
        topRules: byRule
          .filter((x) => x.framework === framework)
          .slice(0, TOP_RULES)
          .map(({ ruleId, title, opened, openNow }) => ({ ruleId, title, opened, openNow })),
      };
    });
    const total = <K extends keyof ComplianceReport['dsr']['totals']>(key: K) =>
      dsr.reduce((s, d) => s + d[key], 0);
    return {
      type: 'compliance',
      title: 'Compliance report',
      ...this.base(range),
      frameworks,
      dsr: {
        byType: dsr,
        totals: {
          opened: total('opened'),
          completed: total('completed'),
          refused: total('refused'),
          deadlinesMet: total('deadlinesMet'),
          deadlinesMissed: total('deadlinesMissed'),
          openAtEnd: total('openAtEnd'),
          overdueAtEnd: total('overdueAtEnd'),
        },
      },
      consents: {
        byPurpose: consents,
        totals: {
          granted: consents.reduce((s, c) => s + c.granted, 0),
          withdrawn: consents.reduce((s, c) => s + c.withdrawn, 0),
        },
      },
    };
  }

  async performance(range: TimeRange): Promise<PerformanceReport> {
    const window = hourWindow(range);
    // An hourly series of more than three days is too dense to read on a page.
    const bucket = window.to.getTime() - window.from.getTime() > 3 * DAY_MS ? 'day' : 'hour';
    return {
      type: 'performance',
      title: 'Pipeline performance report',
      ...this.base(range),
      performance: await performanceFromRollups(this.queries, window, bucket),
    };
  }

  private base(range: TimeRange): Pick<ReportBase, 'period' | 'generatedAt'> {
    return {
      period: { from: range.from.toISOString(), to: range.to.toISOString() },
      generatedAt: this.now().toISOString(),
    };
  }
}

function frameworkPosture(posture: PostureAnswer, framework: string) {
  const p = posture.frameworks.find((f) => f.framework === framework);
  // A framework without enabled rules or cases (only open-case counts) has no posture row: every
  // active viewer is then without an open case of it.
  const none = posture.overall.current.activeViewers > 0 ? 100 : null;
  const nonePrevious = posture.overall.previous.activeViewers > 0 ? 100 : null;
  return {
    postureShare: p ? p.current.share : none,
    postureSharePrevious: p ? p.previous.share : nonePrevious,
    medianOpenDays: p?.current.openCaseAge?.medianDays ?? null,
  };
}

export function changePct(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}
