/**
 * Back-testing a rule change: replay stored events once, rebuilding state with the same reducer the
 * pipeline uses (from empty, or from given states), evaluate only the draft and the current version on
 * each event, and report counts by day, samples, and the findings that appear or disappear.
 * One pass, one reducer application per event, two rule evaluations per matching event.
 */
import { performance } from 'node:perf_hooks';
import { evaluateEventInto, StateWorkspace, type LoadedStates } from './compliance-evaluator';
import type { ComplianceEvent } from './compliance-event';
import type { Finding, RuleDefinition } from './rule';
import type { CompiledRule, RuleLanguage } from './rule-language';
import { buildFinding, RuleSet, type RuleEvaluationError } from './rule-set';

export interface BacktestOptions {
  /** The edited or new rule. */
  draft: RuleDefinition;
  /** The version in force, or null for a new rule. */
  current: RuleDefinition | null;
  language: RuleLanguage;
  /** States at the start of the range; default: every viewer starts empty. */
  initialStates?: LoadedStates;
  /** How many full findings to keep per list (samples, appeared, disappeared). Default 20. */
  sampleSize?: number;
}

export interface RuleBacktestCounts {
  total: number;
  /** UTC day (YYYY-MM-DD) → findings. */
  byDay: Record<string, number>;
  errors: number;
}

export interface BacktestResult {
  eventsReplayed: number;
  /** Events whose rule triggers matched (each evaluated against both versions). */
  eventsEvaluated: number;
  outOfOrderEvents: number;
  draft: RuleBacktestCounts & { samples: Finding[] };
  current: RuleBacktestCounts | null;
  diff: {
    appeared: number;
    disappeared: number;
    unchanged: number;
    appearedSamples: Finding[];
    disappearedSamples: Finding[];
  };
  errorSamples: RuleEvaluationError[];
  durationMs: number;
}

function emptyCounts(): RuleBacktestCounts {
  return { total: 0, byDay: {}, errors: 0 };
}

const DAY_MS = 86_400_000;
/** The last day formatted: consecutive events mostly fall on the same day (a replay is in time order). */
let lastDay = { n: NaN, text: '' };

function dayOf(ms: number): string {
  const n = Math.floor(ms / DAY_MS);
  if (n !== lastDay.n) lastDay = { n, text: new Date(n * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}

/**
 * Incremental form, for a cursor over stored events: `push` each event in time order, then `finish`.
 * Scheduled (schedule.*) rules are not replayed here: back-test those with the scheduler functions at
 * chosen `now` instants.
 */
export class RuleBacktest {
  private readonly draft: CompiledRule;
  private readonly current: CompiledRule | null;
  private readonly workspace: StateWorkspace;
  private readonly reference: RuleSet['reference'];
  private readonly sampleSize: number;
  private readonly byType = new Map<string, { before: CompiledRule[]; after: CompiledRule[] }>();
  private readonly result: BacktestResult;
  private readonly errors: RuleEvaluationError[] = [];
  private lastAt = -Infinity;
  private readonly started = performance.now();

  constructor(options: BacktestOptions) {
    const { language } = options;
    if (!language.reference) throw new Error('back-testing needs a RuleLanguage built with reference data');
    this.reference = language.reference;
    this.draft = language.compile(options.draft);
    this.current = options.current ? language.compile(options.current) : null;
    for (const rule of [this.draft, this.current]) {
      if (rule && rule.kind !== 'event') {
        throw new Error(
          `rule ${rule.def.id} is a ${rule.kind} rule; back-test it with the scheduler functions`,
        );
      }
    }
    this.workspace = new StateWorkspace(options.initialStates);
    this.sampleSize = options.sampleSize ?? 20;
    for (const rule of [this.draft, this.current]) {
      if (!rule) continue;
      for (const t of rule.def.triggers) {
        const entry = this.byType.get(t) ?? { before: [], after: [] };
        (rule.stateAsOf === 'after_event' ? entry.after : entry.before).push(rule);
        this.byType.set(t, entry);
      }
    }
    this.result = {
      eventsReplayed: 0,
      eventsEvaluated: 0,
      outOfOrderEvents: 0,
      draft: { ...emptyCounts(), samples: [] },
      current: this.current ? emptyCounts() : null,
      diff: { appeared: 0, disappeared: 0, unchanged: 0, appearedSamples: [], disappearedSamples: [] },
      errorSamples: [],
      durationMs: 0,
    };
  }

  push(event: ComplianceEvent): void {
    const at = event.occurredAt.getTime();
    this.result.eventsReplayed++;
    if (at < this.lastAt) this.result.outOfOrderEvents++;
    else this.lastAt = at;
    const rules = this.byType.get(event.type);
    if (!rules) {
      // No rule reads this event, but the state it changes may matter later.
      evaluateEventInto(
        event,
        this.workspace,
        this.reference,
        { before: [], after: [] },
        () => undefined,
        this.errors,
      );
      return;
    }
    this.result.eventsEvaluated++;
    const day = dayOf(at);
    const subject = {
      userId: event.userId,
      eventId: event.eventId,
      occurredAt: at,
      subjectKey: event.eventId,
    };
    const r = this.result;
    let draftFired = false;
    let currentFired = false;
    let draftFinding: Finding | null = null;
    let currentFinding: Finding | null = null;
    const errorsBefore = this.errors.length;
    evaluateEventInto(
      event,
      this.workspace,
      this.reference,
      rules,
      (rule, ctx) => {
        // Findings are built inside the callback: the state is updated right after the phase.
        if (rule === this.draft) {
          draftFired = true;
          if (r.draft.samples.length < this.sampleSize || r.diff.appearedSamples.length < this.sampleSize) {
            draftFinding = buildFinding(rule, ctx, subject);
          }
        } else {
          currentFired = true;
          if (r.diff.disappearedSamples.length < this.sampleSize)
            currentFinding = buildFinding(rule, ctx, subject);
        }
      },
      this.errors,
    );
    for (let i = errorsBefore; i < this.errors.length; i++) {
      const e = this.errors[i];
      if (e.ruleVersion === this.draft.def.version && e.ruleId === this.draft.def.id) r.draft.errors++;
      else if (r.current) r.current.errors++;
    }
    if (this.errors.length > this.sampleSize) this.errors.splice(this.sampleSize);
    if (draftFired) {
      r.draft.total++;
      r.draft.byDay[day] = (r.draft.byDay[day] ?? 0) + 1;
      if (draftFinding && r.draft.samples.length < this.sampleSize) r.draft.samples.push(draftFinding);
    }
    if (currentFired && r.current) {
      r.current.total++;
      r.current.byDay[day] = (r.current.byDay[day] ?? 0) + 1;
    }
    if (!this.current) return;
    if (draftFired && currentFired) r.diff.unchanged++;
    else if (draftFired) {
      r.diff.appeared++;
      if (draftFinding && r.diff.appearedSamples.length < this.sampleSize)
        r.diff.appearedSamples.push(draftFinding);
    } else if (currentFired) {
      r.diff.disappeared++;
      if (currentFinding && r.diff.disappearedSamples.length < this.sampleSize) {
        r.diff.disappearedSamples.push(currentFinding);
      }
    }
  }

  finish(): BacktestResult {
    this.result.errorSamples = this.errors.slice(0, this.sampleSize);
    this.result.durationMs = Math.round(performance.now() - this.started);
    return this.result;
  }
}

/** Back-tests over a time-ordered array or iterable of events. */
export function backtestRule(events: Iterable<ComplianceEvent>, options: BacktestOptions): BacktestResult {
  const run = new RuleBacktest(options);
  for (const e of events) run.push(e);
  return run.finish();
}

/** Same, over an async stream (e.g. a database cursor). */
export async function backtestRuleStream(
  events: AsyncIterable<ComplianceEvent>,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const run = new RuleBacktest(options);
  for await (const e of events) run.push(e);
  return run.finish();
}
