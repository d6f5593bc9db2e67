/**
 * Evaluates a batch of events, in event-time order, against the viewers' and actors' state as of each
 * event. Each rule says whether it reads the state before the event is applied (the default: a
 * consent.granted legitimises later events only) or after (windowed counts that include the event).
 * Pure: the states handed in are not changed; the states touched are returned, updated.
 */
import type { ComplianceEvent } from './compliance-event';
import type { Finding } from './rule';
import { ActorView, ConsentView, EventDataView, EventView, ReferenceView, ViewerView } from './rule-context';
import type { BudgetOverrun, RuleBudget } from './rule-budget';
import type { CompiledRule, RuleContext } from './rule-language';
import { buildFinding, holds, type RuleEvaluationError, type RuleSet } from './rule-set';
import { applyActorEventInPlace, applyEventInPlace, tracksActor } from './viewer-state-reducer';
import {
  borrowViewerState,
  cloneActorState,
  emptyActorState,
  emptyViewerState,
  type ActorState,
  type ViewerState,
} from './viewer-state';

export interface LoadedStates {
  viewers: ReadonlyMap<string, ViewerState>;
  /** Keyed by actorId. */
  actors: ReadonlyMap<string, ActorState>;
}

export interface EvaluationOptions {
  /**
   * Update the loaded states in place instead of copying them first. Use it when the states were loaded
   * for this batch only (e.g. parsed from the database), so nobody else holds them.
   */
  reuseLoadedStates?: boolean;
  /**
   * The same for actor states only (default: as reuseLoadedStates). Lets a caller keep viewer states
   * copy-on-write (to see which sections changed) while updating its own actor copies in place.
   */
  reuseLoadedActors?: boolean;
  /** Evaluation time per rule for this batch: a rule past it is skipped for the rest of the batch. */
  budget?: RuleBudget;
}

export interface BatchEvaluation {
  findings: Finding[];
  /** Every viewer state the batch touched, updated (persist these). */
  viewers: Map<string, ViewerState>;
  actors: Map<string, ActorState>;
  /** Rules whose expression failed at run time on some event (reported, not findings). */
  errors: RuleEvaluationError[];
  evaluations: number;
  /** Rules skipped for part of the batch because they spent their evaluation budget. */
  overBudget: BudgetOverrun[];
}

/** Variables of an event rule; `consent` (the ledger entry for the event's purpose) is read on demand. */
class EventRuleContext implements RuleContext {
  params?: object;
  private consentCache: ConsentView | null = null;

  constructor(
    readonly event: EventView,
    readonly data: EventDataView,
    readonly viewer: ViewerView,
    readonly actor: ActorView,
    readonly ref: ReferenceView,
  ) {}

  get consent(): ConsentView {
    this.consentCache ??= this.viewer.consent(this.data.purpose);
    return this.consentCache;
  }
}

/**
 * Working states for one pass: each loaded viewer state is borrowed (structural sharing, a section is
 * copied on its first write), then updated in place; actor states are copied once.
 */
export class StateWorkspace {
  readonly viewers = new Map<string, ViewerState>();
  readonly actors = new Map<string, ActorState>();

  constructor(
    private readonly loaded: LoadedStates = { viewers: new Map(), actors: new Map() },
    private readonly reuseLoaded = false,
    private readonly reuseLoadedActors = reuseLoaded,
  ) {}

  viewer(userId: string): ViewerState {
    let s = this.viewers.get(userId);
    if (!s) {
      const stored = this.loaded.viewers.get(userId);
      s = stored ? (this.reuseLoaded ? stored : borrowViewerState(stored)) : emptyViewerState(userId);
      this.viewers.set(userId, s);
    }
    return s;
  }

  actor(event: ComplianceEvent): ActorState | null {
    let s = this.actors.get(event.actorId);
    if (!s) {
      const stored = this.loaded.actors.get(event.actorId);
      if (!stored && !tracksActor(event)) return null;
      s = stored
        ? this.reuseLoadedActors
          ? stored
          : cloneActorState(stored)
        : emptyActorState(event.actorId, event.actorType);
      this.actors.set(event.actorId, s);
    }
    return s;
  }
}

/**
 * Runs `rules` for one event against a workspace and applies the event. Shared by the evaluator and the
 * back-tester so both see exactly the same semantics.
 */
export function evaluateEventInto(
  event: ComplianceEvent,
  workspace: StateWorkspace,
  reference: RuleSet['reference'],
  rules: { before: readonly CompiledRule[]; after: readonly CompiledRule[] },
  onFinding: (rule: CompiledRule, ctx: RuleContext) => void,
  errors: RuleEvaluationError[],
  budget?: RuleBudget,
): number {
  const viewer = workspace.viewer(event.userId);
  const actor = workspace.actor(event);
  const at = event.occurredAt.getTime();
  let evaluated = 0;
  let eventView: EventView | null = null;
  let dataView: EventDataView | null = null;
  let refView: ReferenceView | null = null;

  const run = (list: readonly CompiledRule[]) => {
    if (list.length === 0) return;
    eventView ??= new EventView(event);
    dataView ??= new EventDataView(event);
    refView ??= new ReferenceView(reference, at);
    const ctx = new EventRuleContext(
      eventView,
      dataView,
      new ViewerView(viewer, at, event.country, event.deviceId, event.subdivision),
      new ActorView(actor, at, event.actorId, event.actorType),
      refView,
    );
    for (const rule of list) {
      if (rule.subdivisionGuard !== null && rule.subdivisionGuard !== ctx.viewer.subdivision) continue;
      if (budget && !budget.allows(rule)) continue;
      ctx.params = rule.params;
      evaluated++;
      const started = budget ? budget.now() : 0;
      if (holds(rule, ctx, event, errors)) onFinding(rule, ctx);
      // The finding's explanation, overrides and state read are the rule's expressions too.
      if (budget) budget.charge(rule, budget.now() - started);
    }
  };

  run(rules.before);
  applyEventInPlace(viewer, event);
  if (actor) applyActorEventInPlace(actor, event);
  run(rules.after);
  return evaluated;
}

export function sortByOccurredAt(events: readonly ComplianceEvent[]): readonly ComplianceEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i].occurredAt.getTime() < events[i - 1].occurredAt.getTime()) {
      return [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    }
  }
  return events;
}

export class ComplianceEvaluator {
  constructor(private readonly rules: RuleSet) {}

  /** `events` should be sorted by occurredAt (they are sorted, stably, if not). */
  evaluateBatch(
    events: readonly ComplianceEvent[],
    states: LoadedStates,
    options: EvaluationOptions = {},
  ): BatchEvaluation {
    const workspace = new StateWorkspace(
      states,
      options.reuseLoadedStates === true,
      options.reuseLoadedActors ?? options.reuseLoadedStates === true,
    );
    const findings: Finding[] = [];
    const errors: RuleEvaluationError[] = [];
    let evaluations = 0;
    for (const event of sortByOccurredAt(events)) {
      evaluations += evaluateEventInto(
        event,
        workspace,
        this.rules.reference,
        this.rules.forEvent(event.type),
        (rule, ctx) =>
          findings.push(
            buildFinding(rule, ctx, {
              userId: event.userId,
              eventId: event.eventId,
              occurredAt: event.occurredAt.getTime(),
              subjectKey: event.eventId,
            }),
          ),
        errors,
        options.budget,
      );
    }
    return {
      findings,
      viewers: workspace.viewers,
      actors: workspace.actors,
      errors,
      evaluations,
      overBudget: options.budget?.overruns() ?? [],
    };
  }
}
