import { DAY_MS, hourWindow, isoDay, TimeRange, wholeDays } from '../analytics/domain/time-range';
import { Queryable, rollupFiguresOver } from '../analytics/rollup-figures';
import { ExecutiveReport, ReportBuilder } from './content/report-builder';

/**
 * The executive summary's headline numbers as printable lines, for scripts (the demo summary):
 *
 *   const lines = await executiveHeadline(client, from, to); // client: pg.Client, pg.Pool or a DataSource
 *
 * It reads the rollups, which the maintainer folds every 20 s while a worker runs (or run
 * `node dist/src/analytics/rebuild-rollups.js --fold` first).
 */
export async function executiveHeadline(db: Queryable, from: Date, to: Date): Promise<string[]> {
  const report = await new ReportBuilder(rollupFiguresOver(db)).executive({ from, to });
  return headlineLines(report);
}

/** A posture share as printed: "75.0 %", or "n/a" when nobody was active. */
export function share(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(1)} %`;
}

export function headlineLines(r: ExecutiveReport): string[] {
  const h = r.headline;
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const pct = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${v.toFixed(1)}%`);
  const bySeverity = r.violationsBySeverity.map((v) => `${v.severity} ${n(v.current)}`).join(', ');
  const lowest = r.posture.frameworks
    .filter((f) => f.current.share !== null)
    .slice(0, 3)
    .map((f) => {
      const age = f.current.openCaseAge ? `, median open case ${f.current.openCaseAge.medianDays.toFixed(1)} days` : '';
      return `${share(f.current.share)} had no open ${f.framework} violation (previous ${share(f.previous.share)})${age}`;
    })
    .join('; ');
  const risks = r.topRisks
    .slice(0, 3)
    .map((v) => `${v.userId} ${v.score.toFixed(3)}${v.tier ? ` (${v.tier})` : ''}`)
    .join(', ');
  const findings = r.findingsByKind.map((f) => `${n(f.findings)} ${f.kind}`).join(', ');
  // The rollups count whole hours (events) and whole UTC days (violations): a window that is not
  // aligned to them says which hours and days it was counted over.
  const period = { from: new Date(r.period.from), to: new Date(r.period.to) };
  const time = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const same = (a: TimeRange, b: TimeRange) => a.from.getTime() === b.from.getTime() && a.to.getTime() === b.to.getTime();
  const hours = hourWindow(period);
  const days = wholeDays(period);
  const lastDay = isoDay(new Date(days.to.getTime() - DAY_MS));
  const hoursNote = same(hours, period) ? '' : ` (whole hours ${time(hours.from)} to ${time(hours.to)})`;
  const daysNote = same(days, period) ? '' : ` (UTC ${lastDay === isoDay(days.from) ? `day ${lastDay}` : `days ${isoDay(days.from)} to ${lastDay}`})`;
  return [
    `Executive summary ${time(period.from)} to ${time(period.to)} UTC`,
    `Events processed${hoursNote}: ${n(h.events)} (${pct(h.eventsChangePct)} vs previous period: ${n(h.eventsPrevious)})`,
    `Violations opened${daysNote}: ${n(h.violationsOpened)} (${bySeverity}); previous period ${n(h.violationsOpenedPrevious)} (${pct(h.violationsChangePct)})`,
    `Resolved in period: ${n(h.violationsResolved)}; open at end: ${n(h.violationsOpenAtEnd)} (${n(h.criticalOpenAtEnd)} critical)`,
    `Compliance posture: ${share(h.postureShare)} of ${n(h.postureActiveViewers)} active viewers had no open violation (previous ${share(h.postureSharePrevious)})` +
      `${h.postureMedianOpenDays === null ? '; no open case' : `, median open case ${h.postureMedianOpenDays.toFixed(1)} days`}` +
      `${lowest ? `; lowest: ${lowest}` : ''}`,
    `Top risk viewers: ${risks || 'none scored'}`,
    `Findings: ${findings || 'none'}`,
  ];
}
