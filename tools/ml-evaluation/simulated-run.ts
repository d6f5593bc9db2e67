/**
 * An offline replay of a simulator run through the ML stage's own domain code, without PostgreSQL, Redis
 * or queues: the seeded traffic generator makes the labelled stream, the seed rule packs say which events
 * the compliance stage would find something on, the events go through viewerUpdates → mergeUpdate (the
 * reference of the Redis merge) → assessViewers batch by batch, and the anomaly findings are scored
 * against the simulator's ground truth the way the demo summary does. Deterministic for a seed.
 */
import { ComplianceEvaluator } from '../../src/compliance/domain/compliance-evaluator';
import type { ComplianceEvent } from '../../src/compliance/domain/compliance-event';
import { seedRuleSet } from '../../src/compliance/rule-packs';
import { normaliseEvent } from '../../src/ingestion/domain/event-normaliser';
import { type GroundTruth, GroundTruthRecorder } from '../simulation/ground-truth';
import { TrafficGenerator } from '../simulation/traffic-generator';
import {
  emptyStoredState,
  type FactorEvent,
  mergeUpdate,
  type StoredFactorState,
  viewerUpdates,
} from '../../src/ml/domain/factor-updates';
import type { FindingSeverity } from '../../src/ml/domain/risk-bands';
import { assessViewers, type ViewerAssessment } from '../../src/ml/domain/viewer-assessment';
import type { ViewerScorer } from '../../src/ml/domain/viewer-scorer';

export interface SimulatedRunOptions {
  seed: number;
  /** Viewers in the population (the demo: 400). */
  users: number;
  /** Events per second (the demo: 250). */
  rate: number;
  /** Seconds of traffic (the demo: 60). */
  durationS: number;
  /** Events per pipeline batch (the simulator posts 200 at a time). */
  batchSize?: number;
  /** Simulated start time; a fixed instant by default, so a seed always gives the same run. */
  startMs?: number;
  alertThreshold?: number;
}

export interface ReplayedRun {
  truth: GroundTruth;
  /** Every assessment, batch after batch, in stage order. */
  assessments: ViewerAssessment[];
}

export interface ScenarioDetection {
  scenario: string;
  labelled: number;
  found: number;
  recall: number;
}

export interface ColdStartReport {
  seed: number;
  cleanViewers: number;
  /** Clean viewers with at least one anomaly finding. */
  cleanFlagged: number;
  cleanFlaggedShare: number;
  /** Viewers with an anomaly finding, and how many of them are labelled in a scenario (the demo's precision). */
  flaggedViewers: number;
  precision: number;
  /** Only the scenarios no compliance rule can see: the anomaly model's own. */
  anomalyScenarios: ScenarioDetection[];
  /** Distinct findings (dedup keys) by severity. */
  severities: Record<FindingSeverity, number>;
}

const DEFAULT_START_MS = Date.parse('2026-11-27T19:30:00Z');
export const DEMO_RUN = { users: 400, rate: 250, durationS: 60 } as const;

/** Generates the run, replays it through the ML domain code with `scorer`, and keeps every assessment. */
export function replaySimulatedRun(options: SimulatedRunOptions, scorer: ViewerScorer): ReplayedRun {
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const durationMs = options.durationS * 1000;
  const generator = new TrafficGenerator({
    seed: options.seed,
    users: options.users,
    rate: options.rate,
    startMs,
    durationMs,
  });
  const generated = generator.take(Math.ceil((options.rate * durationMs) / 1000));
  const recorder = new GroundTruthRecorder(options.seed, options.users, generator.scenarios);
  for (const e of generated) recorder.record(e);
  const truth = recorder.build(new Date(startMs + durationMs));

  const normalised = generated
    .filter((e) => e.event.userId !== undefined)
    .map((e) => ({ event: e.event, n: normaliseEvent(e.event, new Date(e.releaseAt)) }));
  const compliance = new ComplianceEvaluator(seedRuleSet()).evaluateBatch(
    normalised.map(({ event, n }): ComplianceEvent => ({
      eventId: n.eventId,
      type: n.type,
      occurredAt: n.occurredAt,
      userId: event.userId!,
      actorType: n.actorType,
      actorId: n.actorId,
      country: n.country,
      subdivision: n.subdivision,
      ipPrefix: n.ipPrefix,
      deviceId: n.deviceId,
      sessionId: n.sessionId,
      gpc: n.gpc,
      data: n.data as Record<string, unknown>,
    })),
    { viewers: new Map(), actors: new Map() },
  );
  const findingsPerEvent = new Map<string, number>();
  for (const f of compliance.findings) {
    if (f.eventId !== null) findingsPerEvent.set(f.eventId, (findingsPerEvent.get(f.eventId) ?? 0) + 1);
  }
  const factorEvents: FactorEvent[] = normalised.map(({ n }) => {
    const data = n.data as Record<string, unknown>;
    return {
      eventId: n.eventId,
      userId: n.userId!,
      type: n.type,
      actorType: n.actorType,
      country: n.country,
      atMs: n.occurredAt.getTime(),
      purpose: n.type.startsWith('consent.') && typeof data.purpose === 'string' ? data.purpose : null,
      complianceFindings: findingsPerEvent.get(n.eventId) ?? 0,
    };
  });

  const batchSize = options.batchSize ?? 200;
  const stored = new Map<string, StoredFactorState>();
  const assessments: ViewerAssessment[] = [];
  for (let from = 0; from < factorEvents.length; from += batchSize) {
    const updates = viewerUpdates(factorEvents.slice(from, from + batchSize));
    const merged = updates.map((update) => {
      let state = stored.get(update.userId);
      if (state === undefined) stored.set(update.userId, (state = emptyStoredState()));
      return mergeUpdate(state, update);
    });
    assessments.push(...assessViewers(updates, merged, scorer, options.alertThreshold ?? 0.95));
  }
  return { truth, assessments };
}

/** Clean viewers flagged, precision, recall of the anomaly scenarios and severities, as the demo summary counts them. */
export function coldStartReport(seed: number, run: ReplayedRun): ColdStartReport {
  const { truth, assessments } = run;
  const flagged = new Set<string>();
  const findingKeys = new Map<string, FindingSeverity>();
  for (const a of assessments) {
    if (a.finding === null) continue;
    flagged.add(a.userId);
    findingKeys.set(a.finding.dedupKey, a.finding.severity);
  }
  const labelled = new Set<string>();
  for (const s of Object.values(truth.scenarios))
    [...s!.viewers, ...s!.actors].forEach((id) => labelled.add(id));
  const anomalyScenarios: ScenarioDetection[] = [];
  for (const [scenario, s] of Object.entries(truth.scenarios)) {
    if (s!.rules.length > 0 || s!.viewers.length === 0) continue;
    const found = s!.viewers.filter((v) => flagged.has(v)).length;
    anomalyScenarios.push({
      scenario,
      labelled: s!.viewers.length,
      found,
      recall: found / s!.viewers.length,
    });
  }
  const cleanFlagged = truth.cleanViewers.filter((v) => flagged.has(v)).length;
  const correct = [...flagged].filter((v) => labelled.has(v)).length;
  const severities: Record<FindingSeverity, number> = { medium: 0, high: 0, critical: 0 };
  for (const severity of findingKeys.values()) severities[severity]++;
  return {
    seed,
    cleanViewers: truth.cleanViewers.length,
    cleanFlagged,
    cleanFlaggedShare: truth.cleanViewers.length > 0 ? cleanFlagged / truth.cleanViewers.length : 0,
    flaggedViewers: flagged.size,
    precision: flagged.size > 0 ? correct / flagged.size : NaN,
    anomalyScenarios,
    severities,
  };
}

/** The reports as a plain-text table, one line per run. */
export function formatColdStartReports(reports: readonly ColdStartReport[]): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '-');
  const header = [
    'seed',
    'clean flagged',
    'precision',
    'recall per anomaly scenario',
    'medium/high/critical',
  ];
  const rows = reports.map((r) => [
    String(r.seed),
    `${r.cleanFlagged}/${r.cleanViewers} (${pct(r.cleanFlaggedShare)})`,
    `${pct(r.precision)} of ${r.flaggedViewers}`,
    r.anomalyScenarios.map((s) => `${s.scenario} ${s.found}/${s.labelled} (${pct(s.recall)})`).join(', '),
    `${r.severities.medium}/${r.severities.high}/${r.severities.critical}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('   ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
