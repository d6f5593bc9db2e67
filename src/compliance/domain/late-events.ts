/**
 * Late events. The stage evaluates each event against the viewer's state as it stands, which is the state
 * as of the viewer's newest event; an event that happened before that (a consent recorded offline and
 * sent hours later, a retried upload) is judged — and changes the judgement of the events after it —
 * as if it had come in order only when the affected window is evaluated again:
 *
 * 1. detect: an event of a viewer whose occurredAt is before the viewer's stored `asOf` (the newest event
 *    applied before this batch) is late; the window runs from the earliest late event of the viewer;
 * 2. choose the rules whose result can change: event rules that a late event triggers or whose state
 *    reads a late event writes (replay-relevance.ts); rules reading an actor's windowed counts are left
 *    out (those counts add up every viewer's events, so one viewer's replay cannot rebuild them);
 * 3. replay the viewer's stored events in event-time order from an empty state with those rules, keeping
 *    the findings of events inside the window;
 * 4. compare with the findings stored for those rules and events: a stored finding the replay does not
 *    raise is superseded (marked, with the late event that changed it, never deleted); a finding the
 *    replay raises that is not stored is new.
 *
 * Findings are matched by rule id and event id, not by rule version: a finding raised by an older
 * version of a rule that the replay still raises is the same finding, not a supersession.
 */
import type { ComplianceEvent } from './compliance-event';
import { evaluateEventInto, StateWorkspace } from './compliance-evaluator';
import { readsActorWindows, replayEventTypes, replays, type ReplayFilter } from './replay-relevance';
import type { Finding } from './rule';
import type { CompiledRule } from './rule-language';
import { buildFinding, RuleSet, type RuleEvaluationError } from './rule-set';
import type { ViewerState } from './viewer-state';

export interface LateWindow {
  userId: string;
  /** occurredAt of the viewer's earliest late event in the batch */
  from: number;
  /** The viewer's newest event time before the batch */
  asOf: number;
  /** The earliest late event: recorded as what superseded a finding */
  firstLateEventId: string;
  lateEvents: ComplianceEvent[];
}

/** Late events per viewer: those older than the viewer's state before the batch. */
export function lateWindows(
  events: readonly ComplianceEvent[],
  before: ReadonlyMap<string, Pick<ViewerState, 'asOf'>>,
): LateWindow[] {
  const windows = new Map<string, LateWindow>();
  for (const e of events) {
    if (e.userId.startsWith('~')) continue;
    const asOf = before.get(e.userId)?.asOf ?? null;
    const at = e.occurredAt.getTime();
    if (asOf === null || at >= asOf) continue;
    const w = windows.get(e.userId);
    if (!w)
      windows.set(e.userId, {
        userId: e.userId,
        from: at,
        asOf,
        firstLateEventId: e.eventId,
        lateEvents: [e],
      });
    else {
      w.lateEvents.push(e);
      if (at < w.from) {
        w.from = at;
        w.firstLateEventId = e.eventId;
      }
    }
  }
  return [...windows.values()];
}

/** The event rules whose result a late event can change (see the file comment, step 2). */
export function rulesAffectedBy(rules: RuleSet, lateEvents: readonly ComplianceEvent[]): CompiledRule[] {
  return rules.rules.filter((rule) => {
    if (rule.kind !== 'event' || readsActorWindows(rule)) return false;
    const filter = replayEventTypes([rule]);
    return lateEvents.some((e) => replays(filter, e));
  });
}

/** The events a replay of these rules must read (null: all of the viewer's events). */
export function replayFilterFor(rules: readonly CompiledRule[]): ReplayFilter | null {
  return replayEventTypes(rules);
}

/**
 * Step 3: the findings `rules` raise for the viewer's events at or after `from`, replaying `events`
 * (the viewer's stored events, any order) from an empty state.
 */
export function replayWindow(
  events: readonly ComplianceEvent[],
  rules: readonly CompiledRule[],
  reference: RuleSet['reference'],
  from: number,
): { findings: Finding[]; errors: RuleEvaluationError[] } {
  const set = new RuleSet(rules, reference);
  const workspace = new StateWorkspace();
  const findings: Finding[] = [];
  const errors: RuleEvaluationError[] = [];
  const ordered = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.eventId < b.eventId ? -1 : 1),
  );
  for (const event of ordered) {
    const inWindow = event.occurredAt.getTime() >= from;
    evaluateEventInto(
      event,
      workspace,
      reference,
      set.forEvent(event.type),
      (rule, ctx) => {
        if (!inWindow) return;
        findings.push(
          buildFinding(rule, ctx, {
            userId: event.userId,
            eventId: event.eventId,
            occurredAt: event.occurredAt.getTime(),
            subjectKey: event.eventId,
          }),
        );
      },
      errors,
    );
  }
  return { findings, errors };
}

export interface StoredFindingRef {
  dedupKey: string;
  ruleId: string;
  eventId: string;
  /** already marked superseded by an earlier late event */
  superseded: boolean;
}

export interface Supersession {
  /** stored, not superseded, and no longer raised */
  supersede: string[];
  /** raised again after an earlier supersession: the mark is lifted */
  restore: string[];
  /** raised by the replay and not stored at all */
  add: Finding[];
}

/** Step 4, for one viewer's window: stored findings of the affected rules against the replay's. */
export function decideSupersession(
  stored: readonly StoredFindingRef[],
  replayed: readonly Finding[],
): Supersession {
  const key = (ruleId: string, eventId: string) => `${ruleId}\u0000${eventId}`;
  const raised = new Map<string, Finding>();
  for (const f of replayed) if (f.eventId !== null) raised.set(key(f.ruleId, f.eventId), f);
  const storedKeys = new Set<string>();
  const supersede: string[] = [];
  const restore: string[] = [];
  for (const s of stored) {
    const k = key(s.ruleId, s.eventId);
    storedKeys.add(k);
    const again = raised.has(k);
    if (!again && !s.superseded) supersede.push(s.dedupKey);
    if (again && s.superseded) restore.push(s.dedupKey);
  }
  const add = [...raised.entries()].filter(([k]) => !storedKeys.has(k)).map(([, f]) => f);
  return { supersede: supersede.sort(), restore: restore.sort(), add };
}
