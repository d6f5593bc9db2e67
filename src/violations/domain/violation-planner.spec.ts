import {
  ExistingViolation,
  FindingInput,
  groupKeyOf,
  planViolations,
  PlannerOptions,
} from './violation-planner';
import { violationSeverity } from './severity';

const HOUR = 3_600_000;
const T0 = new Date('2026-01-10T12:00:00Z').getTime();
const policy = { escalateAtOccurrences: [10, 100, 1000], riskHigh: 0.8, riskCritical: 0.95 };

let nextId = 0;
function options(overrides: Partial<PlannerOptions> = {}): PlannerOptions {
  return {
    ...policy,
    windowMs: 24 * HOUR,
    evidenceLimit: 100,
    now: new Date(T0),
    newId: () => `new-${++nextId}`,
    ...overrides,
  };
}

let findingSeq = 1000;
function finding(overrides: Partial<FindingInput> = {}): FindingInput {
  const id = String(++findingSeq);
  return {
    id,
    kind: 'compliance',
    ruleId: 'GDPR-01',
    ruleVersion: '1',
    framework: 'GDPR',
    reference: 'Art. 7(3)',
    severity: 'medium',
    userId: 'viewer-1',
    eventId: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
    evidenceEventIds: [],
    occurredAt: new Date(T0),
    riskScore: null,
    ...overrides,
  };
}

function existing(overrides: Partial<ExistingViolation> = {}): ExistingViolation {
  return {
    id: 'v-1',
    groupKey: 'compliance:GDPR-01:viewer-1',
    kind: 'compliance',
    ruleId: 'GDPR-01',
    userId: 'viewer-1',
    status: 'open',
    severity: 'medium',
    baseSeverity: 'medium',
    firstSeen: new Date(T0 - 2 * HOUR),
    lastSeen: new Date(T0 - HOUR),
    occurrenceCount: 3,
    evidenceEventIds: ['e-old'],
    maxRiskScore: null,
    ruleVersion: '1',
    framework: 'GDPR',
    reference: 'Art. 7(3)',
    criticalAt: null,
    ...overrides,
  };
}

describe('planViolations', () => {
  it('opens one violation per (kind, rule, viewer) and links every finding to it', () => {
    const a = finding({ occurredAt: new Date(T0) });
    const b = finding({ occurredAt: new Date(T0 + 60_000) });
    const other = finding({ userId: 'viewer-2' });
    const plan = planViolations([a, b, other], [], options());
    expect(plan.violations).toHaveLength(2);
    const mine = plan.violations.find((v) => v.userId === 'viewer-1')!;
    expect(mine).toMatchObject({
      isNew: true,
      change: 'new',
      occurrenceCount: 2,
      occurrencesAdded: 2,
      severity: 'medium',
      recurrenceOf: null,
    });
    expect(mine.firstSeen).toEqual(a.occurredAt);
    expect(mine.lastSeen).toEqual(b.occurredAt);
    expect(mine.evidenceEventIds).toEqual([a.eventId, b.eventId]);
    expect(
      plan.links
        .filter((l) => l.violationId === mine.id)
        .map((l) => l.findingId)
        .sort(),
    ).toEqual([a.id, b.id].sort());
    expect(plan.links).toHaveLength(3);
  });

  it('counts an event once however many of its fields matched the same rule', () => {
    const eventId = '00000000-0000-4000-8000-00000000beef';
    const plan = planViolations([finding({ eventId }), finding({ eventId })], [], options());
    expect(plan.violations[0].occurrenceCount).toBe(1);
    expect(plan.links).toHaveLength(2);
  });

  it('updates the open violation within the window: count, last seen, evidence, latest rule version', () => {
    const f = finding({ occurredAt: new Date(T0), ruleVersion: '2' });
    const plan = planViolations([f], [existing()], options());
    expect(plan.violations).toHaveLength(1);
    expect(plan.violations[0]).toMatchObject({
      id: 'v-1',
      isNew: false,
      change: 'repeated',
      occurrenceCount: 4,
      occurrencesAdded: 1,
      ruleVersion: '2',
    });
    expect(plan.violations[0].lastSeen).toEqual(f.occurredAt);
    expect(plan.violations[0].evidenceEventIds).toEqual(['e-old', f.eventId]);
  });

  it('opens a new violation after a quiet gap longer than the window, leaving the stale one as it is', () => {
    const f = finding({ occurredAt: new Date(T0 + 30 * HOUR) });
    const plan = planViolations([f], [existing()], options());
    expect(plan.violations).toHaveLength(1);
    expect(plan.violations[0]).toMatchObject({ isNew: true, change: 'new' });
  });

  it('treats a repeat after a closed case as a new case linked to it (never re-opens)', () => {
    const closed = existing({ id: 'v-closed', status: 'resolved' });
    const plan = planViolations([finding()], [closed], options());
    expect(plan.violations[0]).toMatchObject({ isNew: true, change: 'reopened', recurrenceOf: 'v-closed' });
  });

  it('escalates with occurrence thresholds and reports the change', () => {
    const stored = existing({ occurrenceCount: 9 });
    const plan = planViolations([finding()], [stored], options());
    expect(plan.violations[0]).toMatchObject({
      severity: 'high',
      previousSeverity: 'medium',
      change: 'escalated',
    });
  });

  it('raises to critical on a high ML risk score and stamps when it became critical', () => {
    const plan = planViolations(
      [finding({ kind: 'ml', ruleId: 'ANOMALY', severity: 'medium', riskScore: 0.97 })],
      [],
      options(),
    );
    expect(plan.violations[0]).toMatchObject({ severity: 'critical', maxRiskScore: 0.97 });
    expect(plan.violations[0].criticalAt).toEqual(new Date(T0));
  });

  it('never lowers a stored severity', () => {
    const plan = planViolations(
      [finding({ severity: 'low' })],
      [existing({ severity: 'high', baseSeverity: 'low' })],
      options(),
    );
    expect(plan.violations[0].severity).toBe('high');
    expect(plan.violations[0].change).toBe('repeated');
  });

  it('keeps the most recent evidence ids up to the limit', () => {
    const findings = Array.from({ length: 250 }, (_, i) => finding({ occurredAt: new Date(T0 + i) }));
    const plan = planViolations(findings, [], options({ evidenceLimit: 100 }));
    expect(plan.violations[0].evidenceEventIds).toHaveLength(100);
    expect(plan.violations[0].evidenceEventIds[99]).toBe(findings[249].eventId);
    expect(plan.violations[0].occurrenceCount).toBe(250);
  });

  it('groups findings without a viewer apart from every viewer', () => {
    expect(groupKeyOf({ kind: 'security', ruleId: 'SQLI-001', userId: null })).toBe('security:SQLI-001:');
    const plan = planViolations([finding({ userId: null }), finding()], [], options());
    expect(plan.violations).toHaveLength(2);
  });
});

describe('violationSeverity', () => {
  it('raises one level per threshold reached, capped at critical', () => {
    expect(violationSeverity('low', 9, null, policy)).toBe('low');
    expect(violationSeverity('low', 10, null, policy)).toBe('medium');
    expect(violationSeverity('low', 100, null, policy)).toBe('high');
    expect(violationSeverity('medium', 1000, null, policy)).toBe('critical');
    expect(violationSeverity('high', 100_000, null, policy)).toBe('critical');
  });

  it('takes the risk score as a floor', () => {
    expect(violationSeverity('low', 1, 0.79, policy)).toBe('low');
    expect(violationSeverity('low', 1, 0.8, policy)).toBe('high');
    expect(violationSeverity('low', 1, 0.95, policy)).toBe('critical');
  });
});
