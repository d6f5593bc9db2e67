import { maxSeverity, Severity, severityRank, SeverityPolicy, violationSeverity } from './severity';

/** A finding not yet folded into a violation. */
export interface FindingInput {
  id: string;
  kind: string;
  ruleId: string;
  ruleVersion: string;
  framework: string;
  reference: string | null;
  severity: Severity;
  userId: string | null;
  eventId: string | null;
  evidenceEventIds: readonly string[];
  occurredAt: Date;
  /** ML findings carry the viewer's risk score (0-1) */
  riskScore: number | null;
}

export type ViolationStatus = 'open' | 'acknowledged' | 'resolved' | 'false_positive';
export const OPEN_STATUSES: readonly ViolationStatus[] = ['open', 'acknowledged'];

/** A stored violation of one of the batch's groups, as the planner needs it. */
export interface ExistingViolation {
  id: string;
  groupKey: string;
  kind: string;
  ruleId: string;
  userId: string | null;
  status: ViolationStatus;
  severity: Severity;
  baseSeverity: Severity;
  firstSeen: Date;
  lastSeen: Date;
  occurrenceCount: number;
  evidenceEventIds: readonly string[];
  maxRiskScore: number | null;
  ruleVersion: string;
  framework: string;
  reference: string | null;
  criticalAt: Date | null;
}

/** What alerting hears about a violation a batch touched. */
export type ViolationChangeKind = 'new' | 'reopened' | 'escalated' | 'repeated';

export interface PlannedViolation {
  id: string;
  isNew: boolean;
  groupKey: string;
  dedupKey: string;
  kind: string;
  ruleId: string;
  ruleVersion: string;
  framework: string;
  reference: string | null;
  userId: string | null;
  severity: Severity;
  baseSeverity: Severity;
  firstSeen: Date;
  lastSeen: Date;
  occurrenceCount: number;
  evidenceEventIds: string[];
  maxRiskScore: number | null;
  criticalAt: Date | null;
  /** the closed violation of the same rule and viewer this one repeats */
  recurrenceOf: string | null;
  previousSeverity: Severity | null;
  occurrencesAdded: number;
  change: ViolationChangeKind;
}

export interface ViolationPlan {
  violations: PlannedViolation[];
  /** every input finding, with the violation it now belongs to */
  links: { findingId: string; violationId: string }[];
}

export interface PlannerOptions extends SeverityPolicy {
  windowMs: number;
  evidenceLimit: number;
  now: Date;
  newId: () => string;
}

/** Rule ids and kinds hold no ':'; a finding without a viewer has an empty user part. */
export function groupKeyOf(finding: Pick<FindingInput, 'kind' | 'ruleId' | 'userId'>): string {
  return `${finding.kind}:${finding.ruleId}:${finding.userId ?? ''}`;
}

/**
 * Folds a batch's findings into violations. Findings of one group (kind, rule, viewer) join the open
 * violation of that group whose time span they are within `windowMs` of; otherwise they open a new
 * one. A new violation in a group with a closed (resolved or false-positive) case is a recurrence:
 * it is a new case linked to the closed one, never a re-opening of it, so a closed decision and its
 * evidence stay as they were when the officer closed them. Pure: the caller holds the group locks and
 * has read the group's violations.
 */
export function planViolations(
  findings: readonly FindingInput[],
  existing: readonly ExistingViolation[],
  options: PlannerOptions,
): ViolationPlan {
  const byGroup = new Map<string, FindingInput[]>();
  for (const finding of findings) {
    const key = groupKeyOf(finding);
    const group = byGroup.get(key);
    if (group) group.push(finding);
    else byGroup.set(key, [finding]);
  }
  const existingByGroup = new Map<string, ExistingViolation[]>();
  for (const violation of existing) {
    const list = existingByGroup.get(violation.groupKey);
    if (list) list.push(violation);
    else existingByGroup.set(violation.groupKey, [violation]);
  }

  const planned: PlannedViolation[] = [];
  const links: ViolationPlan['links'] = [];
  for (const [groupKey, groupFindings] of byGroup) {
    const stored = existingByGroup.get(groupKey) ?? [];
    const lastClosed = stored
      .filter((v) => !OPEN_STATUSES.includes(v.status))
      .reduce<ExistingViolation | null>(
        (latest, v) => (!latest || v.lastSeen > latest.lastSeen ? v : latest),
        null,
      );
    const open: Accumulator[] = stored
      .filter((v) => OPEN_STATUSES.includes(v.status))
      .map((v) => fromExisting(v, options.evidenceLimit));
    const ordered = [...groupFindings].sort(
      (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || Number(a.id) - Number(b.id),
    );
    for (const finding of ordered) {
      let target = pickOpen(open, finding.occurredAt.getTime(), options.windowMs);
      if (!target) {
        target = fromFinding(
          finding,
          groupKey,
          options.newId(),
          lastClosed?.id ?? null,
          options.evidenceLimit,
        );
        open.push(target);
      }
      add(target, finding);
      links.push({ findingId: finding.id, violationId: target.id });
    }
    for (const acc of open) if (acc.added.size > 0) planned.push(finish(acc, options));
  }
  return { violations: planned, links };
}

interface Accumulator {
  id: string;
  isNew: boolean;
  groupKey: string;
  dedupKey: string;
  kind: string;
  ruleId: string;
  userId: string | null;
  ruleVersion: string;
  framework: string;
  reference: string | null;
  latestAt: number;
  baseSeverity: Severity;
  previousSeverity: Severity | null;
  firstSeen: number;
  lastSeen: number;
  storedCount: number;
  /** occurrence keys added by this batch: an event counts once however many fields matched */
  added: Set<string>;
  evidence: string[];
  maxRiskScore: number | null;
  criticalAt: Date | null;
  recurrenceOf: string | null;
  evidenceLimit: number;
}

function fromExisting(v: ExistingViolation, evidenceLimit: number): Accumulator {
  return {
    id: v.id,
    isNew: false,
    groupKey: v.groupKey,
    dedupKey: '',
    kind: v.kind,
    ruleId: v.ruleId,
    userId: v.userId,
    ruleVersion: v.ruleVersion,
    framework: v.framework,
    reference: v.reference,
    latestAt: v.lastSeen.getTime(),
    baseSeverity: v.baseSeverity,
    previousSeverity: v.severity,
    firstSeen: v.firstSeen.getTime(),
    lastSeen: v.lastSeen.getTime(),
    storedCount: v.occurrenceCount,
    added: new Set(),
    evidence: [...v.evidenceEventIds],
    maxRiskScore: v.maxRiskScore,
    criticalAt: v.criticalAt,
    recurrenceOf: null,
    evidenceLimit,
  };
}

function fromFinding(
  f: FindingInput,
  groupKey: string,
  id: string,
  recurrenceOf: string | null,
  evidenceLimit: number,
): Accumulator {
  const at = f.occurredAt.getTime();
  return {
    id,
    isNew: true,
    groupKey,
    // Unique among the group's violations; the first finding's id makes it stable for a re-plan.
    dedupKey: `${groupKey}:${f.id}`,
    kind: f.kind,
    ruleId: f.ruleId,
    userId: f.userId,
    ruleVersion: f.ruleVersion,
    framework: f.framework,
    reference: f.reference,
    latestAt: at,
    baseSeverity: f.severity,
    previousSeverity: null,
    firstSeen: at,
    lastSeen: at,
    storedCount: 0,
    added: new Set(),
    evidence: [],
    maxRiskScore: null,
    criticalAt: null,
    recurrenceOf,
    evidenceLimit,
  };
}

/** The open violation a finding at `at` belongs to: within the window of its span, the most recent first. */
function pickOpen(open: Accumulator[], at: number, windowMs: number): Accumulator | undefined {
  let best: Accumulator | undefined;
  for (const acc of open) {
    if (at < acc.firstSeen - windowMs || at > acc.lastSeen + windowMs) continue;
    if (!best || acc.lastSeen > best.lastSeen) best = acc;
  }
  return best;
}

function add(acc: Accumulator, f: FindingInput): void {
  const at = f.occurredAt.getTime();
  acc.firstSeen = Math.min(acc.firstSeen, at);
  acc.lastSeen = Math.max(acc.lastSeen, at);
  acc.added.add(f.eventId ?? `finding:${f.id}`);
  acc.baseSeverity = maxSeverity(acc.baseSeverity, f.severity);
  if (f.riskScore !== null && Number.isFinite(f.riskScore))
    acc.maxRiskScore = Math.max(acc.maxRiskScore ?? 0, f.riskScore);
  if (at >= acc.latestAt) {
    // The latest finding names the rule version (or model version) and wording in force.
    acc.latestAt = at;
    acc.ruleVersion = f.ruleVersion;
    acc.framework = f.framework;
    acc.reference = f.reference ?? acc.reference;
  }
  for (const id of [...(f.eventId ? [f.eventId] : []), ...f.evidenceEventIds]) {
    const index = acc.evidence.indexOf(id);
    if (index >= 0) acc.evidence.splice(index, 1);
    acc.evidence.push(id);
  }
  // Keeps the work per finding bounded in a storm; finish() trims to the limit.
  if (acc.evidence.length > 2 * acc.evidenceLimit)
    acc.evidence.splice(0, acc.evidence.length - acc.evidenceLimit);
}

function finish(acc: Accumulator, options: PlannerOptions): PlannedViolation {
  const occurrenceCount = acc.storedCount + acc.added.size;
  const computed = violationSeverity(acc.baseSeverity, occurrenceCount, acc.maxRiskScore, options);
  const severity = acc.previousSeverity ? maxSeverity(acc.previousSeverity, computed) : computed;
  const change: ViolationChangeKind = acc.isNew
    ? acc.recurrenceOf
      ? 'reopened'
      : 'new'
    : severityRank(severity) > severityRank(acc.previousSeverity ?? severity)
      ? 'escalated'
      : 'repeated';
  return {
    id: acc.id,
    isNew: acc.isNew,
    groupKey: acc.groupKey,
    dedupKey: acc.dedupKey,
    kind: acc.kind,
    ruleId: acc.ruleId,
    ruleVersion: acc.ruleVersion,
    framework: acc.framework,
    reference: acc.reference,
    userId: acc.userId,
    severity,
    baseSeverity: acc.baseSeverity,
    firstSeen: new Date(acc.firstSeen),
    lastSeen: new Date(acc.lastSeen),
    occurrenceCount,
    // The most recent evidence is what an investigation of an ongoing case needs; first_seen keeps the start.
    evidenceEventIds: acc.evidence.slice(-options.evidenceLimit),
    maxRiskScore: acc.maxRiskScore,
    criticalAt: acc.criticalAt ?? (severity === 'critical' ? options.now : null),
    recurrenceOf: acc.recurrenceOf,
    previousSeverity: acc.isNew ? null : acc.previousSeverity,
    occurrencesAdded: acc.added.size,
    change,
  };
}
