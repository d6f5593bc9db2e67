/**
 * What the detectors should find: per scenario, the viewers and staff actors that misbehaved (or were
 * misbehaved against) and the ids of the events of each violating sequence; and the viewers whose traffic
 * was clean. Fed with the events actually handed to the platform, minus those it refused, so it never
 * lists an event the platform does not have.
 */
import type { ScenarioInstance, ScenarioName } from './scenarios';
import { SCENARIO_NAMES, scenarioSummary } from './scenarios';
import type { StepLabel } from './simulation-state';
import type { SimEvent } from './traffic-generator';

export interface ScenarioTruth {
  description: string;
  /** Viewers the scenario happened to (with at least one event of its sequence delivered). */
  viewers: string[];
  /** Staff actors who misbehaved. */
  actors: string[];
  /** Every event of the violating sequences, antecedents included (failed logins, the opt-out…). */
  eventIds: string[];
  /** The subset a rule or the anomaly model should flag. */
  triggerEventIds: string[];
  /** Seed rules expected to fire on the delivered triggers (empty: only the anomaly model can see it). */
  rules: string[];
  /** Trigger event id → the seed rules expected to fire on it (deadline rules fire later, from the scheduler). */
  expectedRules: Record<string, string[]>;
  /** Viewers whose data a misbehaving actor touched (insider victims): neither culprits nor clean. */
  affectedViewers: string[];
  /** Viewers picked for the scenario who were seen, but none of whose sequence was delivered. */
  incompleteViewers: string[];
}

export interface GroundTruth {
  generatedAt: string;
  seed: number;
  users: number;
  scenarios: Partial<Record<ScenarioName, ScenarioTruth>>;
  /** Viewers with delivered events and nothing to find. */
  cleanViewers: string[];
}

export class GroundTruthRecorder {
  /** Viewers with at least one event handed over. */
  private readonly seen = new Set<string>();
  /** Labelled events only (a long run hands over millions of others), in the order handed over. */
  private readonly labelled = new Map<string, StepLabel>();
  private readonly excluded = new Set<string>();

  constructor(
    private readonly seed: number,
    private readonly users: number,
    private readonly instances: readonly ScenarioInstance[],
    private readonly scenarios: readonly ScenarioName[] = SCENARIO_NAMES,
  ) {}

  /** An event handed to the platform. */
  record({ event, label }: SimEvent): void {
    if (event.userId !== undefined) this.seen.add(event.userId);
    if (label !== undefined) this.labelled.set(event.eventId, label);
  }

  /** Events the platform refused or never received: left out of the truth. */
  exclude(eventIds: Iterable<string>): void {
    for (const id of eventIds) this.excluded.add(id);
  }

  build(generatedAt: Date): GroundTruth {
    const notClean = new Set<string>();
    for (const instance of this.instances)
      if (instance.viewer !== undefined) notClean.add(instance.viewer.id);
    const scenarios: Partial<Record<ScenarioName, ScenarioTruth>> = {};
    for (const name of this.scenarios) {
      const truth: ScenarioTruth = {
        description: scenarioSummary(name),
        viewers: [],
        actors: [],
        eventIds: [],
        triggerEventIds: [],
        rules: [],
        expectedRules: {},
        affectedViewers: [],
        incompleteViewers: [],
      };
      const viewers = new Set<string>();
      const actors = new Set<string>();
      const affected = new Set<string>();
      const rules = new Set<string>();
      for (const [eventId, label] of this.labelled) {
        if (label.scenario !== name || this.excluded.has(eventId)) continue;
        truth.eventIds.push(eventId);
        if (label.viewerId !== undefined) viewers.add(label.viewerId);
        if (label.actorId !== undefined) actors.add(label.actorId);
        if (label.affectedViewerId !== undefined) affected.add(label.affectedViewerId);
        if (label.role !== 'trigger') continue;
        truth.triggerEventIds.push(eventId);
        if (label.rules !== undefined && label.rules.length > 0) {
          truth.expectedRules[eventId] = [...label.rules];
          for (const rule of label.rules) rules.add(rule);
        }
      }
      for (const v of affected) notClean.add(v);
      truth.viewers = [...viewers].sort();
      truth.actors = [...actors].sort();
      truth.rules = [...rules].sort();
      truth.affectedViewers = [...affected].filter((v) => !viewers.has(v)).sort();
      truth.incompleteViewers = this.instances
        .filter(
          (i) =>
            i.scenario === name &&
            i.viewer !== undefined &&
            this.seen.has(i.viewer.id) &&
            !viewers.has(i.viewer.id),
        )
        .map((i) => i.viewer!.id)
        .sort();
      scenarios[name] = truth;
    }
    return {
      generatedAt: generatedAt.toISOString(),
      seed: this.seed,
      users: this.users,
      scenarios,
      cleanViewers: [...this.seen].filter((v) => !notClean.has(v)).sort(),
    };
  }
}
