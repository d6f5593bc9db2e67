/**
 * The enabled rules, compiled once and indexed by what triggers them, plus the one place that turns a
 * true condition into a Finding (severity override, explanation, evidence, state read).
 */
import type { ReferenceData } from './reference-data';
import type { Finding, RuleDefinition, ScheduleTrigger } from './rule';
import type { RuleBudget } from './rule-budget';
import { ConsentView, RequestView, ViewerView } from './rule-context';
import { isoMinute, type CompiledRule, type RuleContext, type RuleLanguage } from './rule-language';

export interface RuleEvaluationError {
  ruleId: string;
  ruleVersion: number;
  eventId: string | null;
  userId: string;
  message: string;
}

interface EventRules {
  before: CompiledRule[];
  after: CompiledRule[];
}

const NO_RULES: EventRules = { before: [], after: [] };

export class RuleSet {
  private readonly byEvent = new Map<string, EventRules>();
  private readonly bySchedule = new Map<ScheduleTrigger, CompiledRule[]>();
  private readonly byId = new Map<string, CompiledRule>();

  constructor(
    readonly rules: readonly CompiledRule[],
    readonly reference: ReferenceData,
  ) {
    for (const rule of rules) {
      this.byId.set(rule.def.id, rule);
      if (rule.kind === 'event') {
        for (const t of rule.def.triggers) {
          const entry = this.byEvent.get(t) ?? { before: [], after: [] };
          (rule.stateAsOf === 'after_event' ? entry.after : entry.before).push(rule);
          this.byEvent.set(t, entry);
        }
      } else {
        this.bySchedule.set(rule.kind, [...(this.bySchedule.get(rule.kind) ?? []), rule]);
      }
    }
  }

  /** Compiles the enabled definitions; throws RuleCompileError on the first invalid one. */
  static compile(defs: readonly RuleDefinition[], language: RuleLanguage): RuleSet {
    if (!language.reference) throw new Error('RuleSet needs a RuleLanguage built with reference data');
    return new RuleSet(
      defs.filter((d) => d.enabled !== false).map((d) => language.compile(d)),
      language.reference,
    );
  }

  forEvent(type: string): EventRules {
    return this.byEvent.get(type) ?? NO_RULES;
  }

  forSchedule(kind: ScheduleTrigger): readonly CompiledRule[] {
    return this.bySchedule.get(kind) ?? [];
  }

  get(id: string): CompiledRule | undefined {
    return this.byId.get(id);
  }
}

export interface FindingSubject {
  userId: string;
  eventId: string | null;
  occurredAt: number;
  /** Identifies what a scheduled finding is about (request id, category, breach id) for its dedupe key. */
  subjectKey: string;
}

/**
 * Evaluates a condition; an expression error is reported, never mistaken for a finding. With a budget,
 * a rule past it is not evaluated (false), and the evaluation's time is charged to the rule.
 */
export function holds(
  rule: CompiledRule,
  ctx: RuleContext,
  subject: Pick<FindingSubject, 'userId' | 'eventId'>,
  errors: RuleEvaluationError[],
  budget?: RuleBudget,
): boolean {
  if (budget && !budget.allows(rule)) return false;
  const started = budget ? budget.now() : 0;
  try {
    return rule.condition(ctx) === true;
  } catch (e) {
    errors.push({
      ruleId: rule.def.id,
      ruleVersion: rule.def.version,
      eventId: subject.eventId,
      userId: subject.userId,
      message: (e as Error).message.split('\n')[0],
    });
    return false;
  } finally {
    if (budget) budget.charge(rule, budget.now() - started);
  }
}

export function buildFinding(rule: CompiledRule, ctx: RuleContext, subject: FindingSubject): Finding {
  const def = rule.def;
  let severity = def.severity;
  for (const o of rule.severityOverrides) {
    if (safely(() => o.when(ctx) === true, false)) {
      severity = o.severity;
      break;
    }
  }
  const evidence = new Set<string>();
  if (subject.eventId) evidence.add(subject.eventId);
  const stateRead: Record<string, unknown> = {};
  for (const probe of rule.probes) {
    const value = safely(() => probe.read(ctx), undefined);
    stateRead[probe.label] = readable(probe.label, value);
    collectEvidence(probe.label, value, ctx, evidence);
  }
  if (rule.lists.length > 0) {
    stateRead.lists = rule.lists.map((name) => ctx.ref.data.versionOf(name) ?? name);
  }
  if (Object.keys(rule.paramValues).length > 0) stateRead.params = rule.paramValues;
  const explanation = rule.explanation
    ? safely(() => String(rule.explanation?.(ctx)), `${def.title}. ${def.description}`)
    : `${def.title}. ${def.description}`;
  return {
    ruleId: def.id,
    ruleVersion: def.version,
    framework: def.framework,
    reference: def.reference,
    severity,
    userId: subject.userId,
    eventId: subject.eventId,
    occurredAt: new Date(subject.occurredAt),
    evidenceEventIds: [...evidence],
    explanation,
    stateRead,
    dedupeKey: `${def.id}@${def.version}:${subject.userId}:${subject.subjectKey}`,
  };
}

function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

const TIME_KEY = /(At|^at|[.]at|due|Due)$/;

function readable(label: string, value: unknown): unknown {
  if (typeof value === 'number') return TIME_KEY.test(label) && value > 0 ? isoMinute(value) : value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof ConsentView || value instanceof RequestView) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'record') continue;
      out[k] = typeof v === 'number' && TIME_KEY.test(k) && v > 0 ? isoMinute(v) : v;
    }
    return out;
  }
  return value;
}

function collectEvidence(label: string, value: unknown, ctx: RuleContext, evidence: Set<string>): void {
  if (value instanceof ConsentView || value instanceof RequestView) {
    if (value.eventId) evidence.add(value.eventId);
    return;
  }
  if (label.startsWith('consent.') && ctx.consent?.eventId) evidence.add(ctx.consent.eventId);
  const viewerField = /^viewer\.(\w+)$/.exec(label);
  if (viewerField && ctx.viewer instanceof ViewerView) {
    const id = ctx.viewer.evidenceFor(viewerField[1]);
    if (id) evidence.add(id);
  }
  const consentCall = /^viewer\.consent\("([^"]+)"\)/.exec(label);
  if (consentCall && ctx.viewer) {
    const id = ctx.viewer.consent(consentCall[1]).eventId;
    if (id) evidence.add(id);
  }
  for (const subject of [ctx.request, ctx.item, ctx.breach, ctx.notice]) {
    if (subject && label.startsWith(subjectRoot(ctx, subject)) && subject.eventId)
      evidence.add(subject.eventId);
  }
}

function subjectRoot(ctx: RuleContext, subject: object): string {
  if (subject === ctx.request) return 'request.';
  if (subject === ctx.item) return 'item.';
  if (subject === ctx.breach) return 'breach.';
  return 'notice.';
}
