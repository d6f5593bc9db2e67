/**
 * The simulator's labels against the compliance stage's own rules: a generated stream, replayed through the
 * seed rule packs (event rules in time order, then the scheduled checks), must raise findings only about
 * labelled viewers and actors, only on labelled events, and every rule each scenario expects.
 */
import { ComplianceEvaluator } from '../../src/compliance/domain/compliance-evaluator';
import type { ComplianceEvent } from '../../src/compliance/domain/compliance-event';
import type { Finding } from '../../src/compliance/domain/rule';
import { runScheduledChecks } from '../../src/compliance/domain/scheduled-checks';
import { SEED_RULES, seedRuleSet } from '../../src/compliance/rule-packs';
import { normaliseEvent } from '../../src/ingestion/domain/event-normaliser';
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import { GroundTruthRecorder } from './ground-truth';
import { TrafficGenerator } from './traffic-generator';
import { SERVICES } from './world';

function toComplianceEvent(event: IngestedEvent): ComplianceEvent | null {
  if (event.userId === undefined) return null; // breach and gateway errors concern no viewer
  const n = normaliseEvent(event, new Date());
  return {
    eventId: n.eventId,
    type: n.type,
    occurredAt: n.occurredAt,
    userId: event.userId,
    actorType: n.actorType,
    actorId: n.actorId,
    country: n.country,
    subdivision: n.subdivision,
    ipPrefix: n.ipPrefix,
    deviceId: n.deviceId,
    sessionId: n.sessionId,
    gpc: n.gpc,
    data: n.data as Record<string, unknown>,
  };
}

describe('generated traffic against the seed rule packs', () => {
  const startMs = Date.parse('2026-11-27T19:30:00Z');
  const durationMs = 15 * 60_000;
  const generator = new TrafficGenerator({ seed: 20261127, users: 800, rate: 25, startMs, durationMs });
  const events = generator.take((25 * durationMs) / 1000);
  const recorder = new GroundTruthRecorder(20261127, 800, generator.scenarios);
  for (const e of events) recorder.record(e);
  const truth = recorder.build(new Date(startMs + durationMs));

  const rules = seedRuleSet();
  const evaluation = new ComplianceEvaluator(rules).evaluateBatch(
    events.map((e) => toComplianceEvent(e.event)).filter((e): e is ComplianceEvent => e !== null),
    { viewers: new Map(), actors: new Map() },
  );
  const scheduled = runScheduledChecks(
    [...evaluation.viewers.values()],
    new Date(startMs + durationMs + 60_000),
    rules,
  );
  const findings: Finding[] = [...evaluation.findings, ...scheduled.findings];

  const labelledEvents = new Set(Object.values(truth.scenarios).flatMap((s) => s!.eventIds));
  const clean = new Set(truth.cleanViewers);

  it('evaluates without rule errors', () => {
    expect(evaluation.errors).toEqual([]);
    expect(scheduled.errors).toEqual([]);
  });

  it('raises no finding about a clean viewer', () => {
    const aboutClean = findings.filter((f) => clean.has(f.userId));
    expect(aboutClean.map((f) => `${f.ruleId} ${f.userId}: ${f.explanation}`)).toEqual([]);
  });

  it('raises event findings only on labelled events', () => {
    const unlabelled = findings.filter((f) => f.eventId !== null && !labelledEvents.has(f.eventId));
    expect(unlabelled.map((f) => `${f.ruleId} ${f.userId}: ${f.explanation}`)).toEqual([]);
  });

  const SCHEDULED = new Set(['GDPR-03', 'UKGDPR-01', 'CCPA-03', 'LGPD-01', 'PIPEDA-01']);
  const userOf = new Map(events.map((e) => [e.event.eventId, e.event.userId]));

  it('raises, on each trigger, exactly the rules the truth expects there', () => {
    const expected = new Set<string>();
    for (const scenario of Object.values(truth.scenarios)) {
      for (const [eventId, rules] of Object.entries(scenario!.expectedRules)) {
        for (const rule of rules) {
          expected.add(`${rule} ${eventId}`);
          const raised = SCHEDULED.has(rule)
            ? findings.some(
                (f) => f.ruleId === rule && f.eventId === null && f.userId === userOf.get(eventId),
              )
            : findings.some((f) => f.ruleId === rule && f.eventId === eventId);
          expect({ rule, eventId, raised }).toEqual({ rule, eventId, raised: true });
        }
      }
    }
    const unexpected = findings.filter(
      (f) => f.eventId !== null && !expected.has(`${f.ruleId} ${f.eventId}`),
    );
    expect(unexpected.map((f) => `${f.ruleId} ${f.userId}: ${f.explanation}`)).toEqual([]);
    expect(expected.size).toBeGreaterThan(20);
  });

  it('plays every scenario', () => {
    for (const scenario of Object.values(truth.scenarios)) {
      expect(scenario!.viewers.length + scenario!.actors.length).toBeGreaterThan(0);
    }
  });
});

describe('clean traffic with the rare behaviours made common', () => {
  it('raises no finding at all', () => {
    const startMs = Date.parse('2026-06-30T23:40:00Z');
    const durationMs = 20 * 60_000;
    const generator = new TrafficGenerator({
      seed: 7,
      users: 400,
      rate: 20,
      startMs,
      durationMs,
      scenarios: [],
      rates: {
        loginFailure: 0.5,
        passwordReset: 0.5,
        consentWithdrawal: 0.5,
        consentGrant: 0.5,
        dsr: 0.4,
        dsrExtension: 0.5,
        dsrRefusal: 0.2,
        accountClosure: 0.05,
        staffAccess: 0.8,
        share: 0.9,
        breach: 0.01,
      },
    });
    const end = startMs + durationMs;
    const events = [...generator.take((20 * durationMs) / 1000), ...generator.closeOut(end)];
    const rules = seedRuleSet();
    const evaluation = new ComplianceEvaluator(rules).evaluateBatch(
      events.map((e) => toComplianceEvent(e.event)).filter((e): e is ComplianceEvent => e !== null),
      { viewers: new Map(), actors: new Map() },
    );
    const states = [...evaluation.viewers.values()];
    // Right after the run, and 40 days later: no request left to turn overdue, no erasure notice missing.
    const findings = [
      ...evaluation.findings,
      ...runScheduledChecks(states, new Date(end + 60_000), rules).findings,
      ...runScheduledChecks(states, new Date(end + 40 * 86_400_000), rules).findings,
    ];
    expect(findings.map((f) => `${f.ruleId} ${f.userId}: ${f.explanation}`)).toEqual([]);
    expect(new Set(events.map((e) => e.event.type)).size).toBeGreaterThanOrEqual(27);
  });
});

describe('one vocabulary for the simulator and the rules', () => {
  it("the simulator's services read data for the purposes GDPR-09B's record of processing declares", () => {
    const declared = SEED_RULES.find((r) => r.id === 'GDPR-09B')!.parameters!.declaredServicePurposes.default;
    for (const [service, { purpose }] of Object.entries(SERVICES)) {
      expect([service, (declared as string[]).includes(`${service}:${purpose}`)]).toEqual([service, true]);
    }
  });
});
