import { SEVERITIES } from '../../analytics/domain/posture';
import { ComplianceReport, ExecutiveReport, PerformanceReport, Report } from '../content/report-builder';

type Cell = string | number | null;
type Row = [section: string, key: Cell, subkey: Cell, metric: string, value: Cell];

/**
 * One long table for every report: section, key, subkey, metric, value. Spreadsheets pivot it in
 * one step, and every report type has the same columns.
 */
export function renderCsv(report: Report): Buffer {
  const rows: Row[] = [
    ['report', report.type, null, 'title', report.title],
    ['report', 'period', null, 'from', report.period.from],
    ['report', 'period', null, 'to', report.period.to],
    ['report', 'generated', null, 'at', report.generatedAt],
    ...(report.type === 'executive'
      ? executiveRows(report)
      : report.type === 'compliance'
        ? complianceRows(report)
        : performanceRows(report)),
  ];
  const lines = [['section', 'key', 'subkey', 'metric', 'value'], ...rows].map((row) =>
    row.map(cell).join(','),
  );
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

function executiveRows(r: ExecutiveReport): Row[] {
  return [
    ['report', 'previous_period', null, 'from', r.previousPeriod.from],
    ['report', 'previous_period', null, 'to', r.previousPeriod.to],
    ...Object.entries(r.headline).map(([metric, value]): Row => [
      'headline',
      null,
      null,
      snake(metric),
      value,
    ]),
    ...r.violationsBySeverity.flatMap((v): Row[] => [
      ['violations_by_severity', v.severity, null, 'opened', v.current],
      ['violations_by_severity', v.severity, null, 'opened_previous_period', v.previous],
      ['violations_by_severity', v.severity, null, 'open_at_end', v.openAtEnd],
    ]),
    ...r.eventsPerDay.map((d): Row => ['events_per_day', d.day, null, 'events', d.events]),
    ...r.topEventTypes.map((t): Row => ['top_event_types', t.type, null, 'events', t.events]),
    ...[{ framework: 'overall', ...r.posture.overall }, ...r.posture.frameworks].flatMap((f): Row[] => [
      ['posture', f.framework, null, 'share', f.current.share],
      ['posture', f.framework, null, 'share_previous', f.previous.share],
      ['posture', f.framework, null, 'change_points', f.change],
      ['posture', f.framework, null, 'active_viewers', f.current.activeViewers],
      ['posture', f.framework, null, 'active_viewers_with_open_case', f.current.activeViewersWithOpenCase],
      ['posture', f.framework, null, 'open_cases', f.current.openCases],
      ['posture', f.framework, null, 'median_open_days', f.current.openCaseAge?.medianDays ?? null],
      ['posture', f.framework, null, 'p90_open_days', f.current.openCaseAge?.p90Days ?? null],
      ['posture', f.framework, null, 'oldest_open_days', f.current.openCaseAge?.oldestDays ?? null],
      ['posture', f.framework, null, 'opened', f.current.opened],
      ['posture', f.framework, null, 'resolved', f.current.resolved],
    ]),
    ...r.topRisks.flatMap((v, i): Row[] => [
      ['top_risks', v.userId, null, 'rank', i + 1],
      ['top_risks', v.userId, null, 'score', v.score],
      ['top_risks', v.userId, null, 'tier', v.tier],
      ['top_risks', v.userId, null, 'top_factor', v.topFactors[0]?.factor ?? null],
    ]),
    ...r.findingsByKind.map((f): Row => ['findings_by_kind', f.kind, null, 'findings', f.findings]),
  ];
}

function complianceRows(r: ComplianceReport): Row[] {
  return [
    ...r.frameworks.flatMap((f): Row[] => [
      ['framework', f.framework, null, 'rules', f.rules],
      ['framework', f.framework, null, 'posture_share', f.postureShare],
      ['framework', f.framework, null, 'posture_share_previous', f.postureSharePrevious],
      ['framework', f.framework, null, 'median_open_days', f.medianOpenDays],
      ['framework', f.framework, null, 'open_cases', f.openCases.open],
      ['framework', f.framework, null, 'acknowledged_cases', f.openCases.acknowledged],
      ['framework', f.framework, null, 'unassigned_cases', f.openCases.unassigned],
      ...SEVERITIES.flatMap((s): Row[] => [
        ['violations', f.framework, s, 'opened', f.opened[s]],
        ['violations', f.framework, s, 'resolved', f.resolved[s]],
        ['violations', f.framework, s, 'open_at_end', f.openAtEnd[s]],
      ]),
      ...f.topRules.flatMap((rule): Row[] => [
        ['rules', f.framework, rule.ruleId, 'title', rule.title],
        ['rules', f.framework, rule.ruleId, 'opened', rule.opened],
        ['rules', f.framework, rule.ruleId, 'open_now', rule.openNow],
      ]),
    ]),
    ...r.dsr.byType.flatMap((d): Row[] =>
      Object.entries(d)
        .filter(([metric]) => metric !== 'type')
        .map(([metric, value]): Row => ['dsr', d.type, null, snake(metric), value as Cell]),
    ),
    ...Object.entries(r.dsr.totals).map(([metric, value]): Row => ['dsr', 'all', null, snake(metric), value]),
    ...r.consents.byPurpose.flatMap((c): Row[] => [
      ['consents', c.purpose, null, 'granted', c.granted],
      ['consents', c.purpose, null, 'withdrawn', c.withdrawn],
    ]),
    ['consents', 'all', null, 'granted', r.consents.totals.granted],
    ['consents', 'all', null, 'withdrawn', r.consents.totals.withdrawn],
  ];
}

function performanceRows(r: PerformanceReport): Row[] {
  const p = r.performance;
  return [
    ['throughput', null, null, 'events', p.throughput.events],
    ['throughput', null, null, 'events_per_second', p.throughput.eventsPerSecond],
    ['throughput', null, null, 'peak_events_per_minute', p.throughput.peakEventsPerMinute],
    ...p.stages.flatMap((s): Row[] => [
      ['stage', s.stage, null, 'batches', s.batches],
      ['stage', s.stage, null, 'events', s.events],
      ['stage', s.stage, null, 'mean_ms', s.meanMs],
      ['stage', s.stage, null, 'max_ms', s.maxMs],
    ]),
    ...Object.entries(p.endToEnd).map(([metric, value]): Row => [
      'end_to_end',
      null,
      null,
      snake(metric),
      value,
    ]),
    ['dead_letters', 'all', null, 'now', p.deadLetters.now],
    ['dead_letters', 'all', null, 'in_window', p.deadLetters.inWindow],
    ...Object.entries(p.deadLetters.byStage).map(([stage, n]): Row => [
      'dead_letters',
      stage,
      null,
      'now',
      n,
    ]),
    ...Object.entries(p.deadLetters.inWindowByStage).map(([stage, n]): Row => [
      'dead_letters',
      stage,
      null,
      'in_window',
      n,
    ]),
    ...p.series.flatMap((s): Row[] => [
      ['series', s.bucket, null, 'events', s.events],
      ...Object.entries(s.meanMs).map(([stage, ms]): Row => ['series', s.bucket, stage, 'mean_ms', ms]),
    ]),
  ];
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is defused with a leading quote. */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
