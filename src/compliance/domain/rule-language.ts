/**
 * The rule language: Common Expression Language (CEL) through @marcbachmann/cel-js.
 *
 * Why CEL: it is non-Turing-complete and side-effect free (no loops, no I/O, no access to anything not
 * registered here), expressions compile once to a reusable function and evaluate in well under a
 * microsecond, and the environment type-checks an expression against declared types, so a rule that
 * names a missing field, compares a string with a number or calls an unknown helper is refused when it
 * is saved, with the position of the problem.
 *
 * What an expression can see is declared here, per trigger kind:
 *   event rules:                 event, data, viewer, consent, actor, ref, params
 *   schedule.dsr_deadline:       request, viewer, now, ref, params
 *   schedule.retention:          item, viewer, now, ref, params
 *   schedule.breach_notification: breach, now, ref, params
 *   schedule.erasure_recipient_notice: notice, viewer, now, ref, params
 * Times are epoch milliseconds (double); 0 means "never". Helpers: hours(n), days(n), minutes(n) → ms;
 * iso(ms), span(ms), num(x) → text for explanations.
 *
 * Nothing a rule says can stall the process evaluating it: `matches()` runs on RE2 (re2-matching.ts,
 * linear time), and each expression's size, depth and comprehension nesting are bounded when the rule
 * is saved (expression-bounds.ts).
 */
import { Environment, serialize, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import { EVENT_TYPES } from './compliance-event';
import {
  boundViolations,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_NODES,
  MAX_SEVERITY_OVERRIDES,
  measureExpression,
  PARSER_LIMITS,
} from './expression-bounds';
import { patternProblem, re2Matches } from './re2-matching';
import type { ReferenceData } from './reference-data';
import {
  SCHEDULE_TRIGGERS,
  SEVERITIES,
  FRAMEWORKS,
  type ParameterValue,
  type RuleDefinition,
  type RuleDraft,
  type RuleParameter,
  type RuleValidationError,
  type RuleValidationResult,
  type ScheduleTrigger,
  type Severity,
} from './rule';
import {
  ActorView,
  BreachView,
  ConsentView,
  EventDataView,
  EventView,
  RecipientNoticeView,
  ReferenceView,
  RequestView,
  RetentionItemView,
  ViewerView,
} from './rule-context';

export type TriggerKind = 'event' | ScheduleTrigger;

/** The variables one evaluation binds (only those of the rule's trigger kind are set). */
export interface RuleContext {
  event?: EventView;
  data?: EventDataView;
  viewer?: ViewerView;
  consent?: ConsentView;
  actor?: ActorView;
  ref: ReferenceView;
  now?: number;
  request?: RequestView;
  item?: RetentionItemView;
  breach?: BreachView;
  notice?: RecipientNoticeView;
  params?: object;
}

const TYPE_FIELDS = {
  Event: {
    ctor: EventView,
    fields: {
      id: 'string',
      type: 'string',
      at: 'double',
      userId: 'string',
      actorType: 'string',
      actorId: 'string',
      country: 'string',
      subdivision: 'string',
      ipPrefix: 'string',
      deviceId: 'string',
      sessionId: 'string',
      gpc: 'bool',
      summary: 'string',
    },
  },
  EventData: {
    ctor: EventDataView,
    fields: {
      purpose: 'string',
      basis: 'string',
      noticeVersion: 'string',
      separateForm: 'bool',
      explicit: 'bool',
      expiresAt: 'double',
      vendor: 'string',
      deviceAccess: 'bool',
      strictlyNecessary: 'bool',
      persistentId: 'bool',
      params: 'map<string, dyn>',
      paramKeys: 'list<string>',
      targeting: 'string',
      segments: 'list<string>',
      categories: 'list<string>',
      ticketId: 'string',
      recordCount: 'double',
      recipient: 'string',
      recipientType: 'string',
      recipientCountry: 'string',
      dpfCertified: 'bool',
      includesViewingHistory: 'bool',
      saleOrShare: 'bool',
      safeguard: 'string',
      requestId: 'string',
      type: 'string',
      jurisdiction: 'string',
      format: 'string',
      notifiedAt: 'double',
      reason: 'string',
      contentId: 'string',
      title: 'string',
      rating: 'string',
      genre: 'string',
      personalised: 'bool',
      birthYear: 'double',
      country: 'string',
      age: 'double',
      ageBand: 'string',
      method: 'string',
      verified: 'bool',
      scopes: 'list<string>',
      breachId: 'string',
      personalData: 'bool',
      awareAt: 'double',
    },
  },
  Consent: {
    ctor: ConsentView,
    fields: {
      purpose: 'string',
      state: 'string',
      at: 'double',
      basis: 'string',
      noticeVersion: 'string',
      separateForm: 'bool',
      explicit: 'bool',
      expiresAt: 'double',
      grantedAt: 'double',
      grantedBy: 'string',
      eventId: 'string',
    },
  },
  Viewer: {
    ctor: ViewerView,
    fields: {
      userId: 'string',
      known: 'bool',
      country: 'string',
      region: 'string',
      subdivision: 'string',
      age: 'double',
      ageKnown: 'bool',
      ageSource: 'string',
      ageVerified: 'bool',
      parentalVerified: 'bool',
      parentalScopes: 'list<string>',
      parentalAt: 'double',
      createdAt: 'double',
      closedAt: 'double',
      lastActivityAt: 'double',
      erasedAt: 'double',
      optOutSaleAt: 'double',
      gpcAt: 'double',
      limitSpiAt: 'double',
      marketingObjectionAt: 'double',
      lastLoginAt: 'double',
      lastLoginCountry: 'string',
      lastLoginNewCountry: 'bool',
      lastLoginFailures: 'double',
      lastLoginFailureIps: 'double',
      recipients: 'list<string>',
    },
  },
  Actor: { ctor: ActorView, fields: { id: 'string', type: 'string' } },
  Ref: { ctor: ReferenceView, fields: {} },
  Request: {
    ctor: RequestView,
    fields: {
      id: 'string',
      type: 'string',
      jurisdiction: 'string',
      format: 'string',
      openedAt: 'double',
      calendar: 'string',
      due: 'double',
      firstDue: 'double',
      extended: 'bool',
      extensionTooLate: 'bool',
      extensionNotifiedAt: 'double',
      pausedMs: 'double',
      paused: 'bool',
      closed: 'bool',
      completedAt: 'double',
      refusedAt: 'double',
      eventId: 'string',
    },
  },
  RetentionItem: {
    ctor: RetentionItemView,
    fields: {
      category: 'string',
      anchor: 'string',
      anchorAt: 'double',
      lastCollectedAt: 'double',
      held: 'bool',
      legalHold: 'bool',
      eventId: 'string',
    },
  },
  Breach: {
    ctor: BreachView,
    fields: {
      id: 'string',
      personalData: 'bool',
      awareAt: 'double',
      notifiedAt: 'double',
      notified: 'bool',
      eventId: 'string',
    },
  },
  RecipientNotice: {
    ctor: RecipientNoticeView,
    fields: {
      requestId: 'string',
      recipient: 'string',
      erasedAt: 'double',
      sharedAt: 'double',
      notified: 'bool',
      eventId: 'string',
    },
  },
} as const;

const KIND_VARIABLES: Record<TriggerKind, Record<string, string>> = {
  event: {
    event: 'Event',
    data: 'EventData',
    viewer: 'Viewer',
    consent: 'Consent',
    actor: 'Actor',
    ref: 'Ref',
  },
  'schedule.dsr_deadline': { request: 'Request', viewer: 'Viewer', now: 'double', ref: 'Ref' },
  'schedule.retention': { item: 'RetentionItem', viewer: 'Viewer', now: 'double', ref: 'Ref' },
  'schedule.breach_notification': { breach: 'Breach', now: 'double', ref: 'Ref' },
  'schedule.erasure_recipient_notice': {
    notice: 'RecipientNotice',
    viewer: 'Viewer',
    now: 'double',
    ref: 'Ref',
  },
};

const HOUR = 3_600_000;

function toNumber(x: unknown): number {
  return typeof x === 'bigint' ? Number(x) : (x as number);
}

/** "3 h", "2 d 4 h", "45 min". */
export function humanSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) return `${Math.round(abs / 60_000)} min`;
  if (abs < 48 * HOUR) return `${Math.round((abs / HOUR) * 10) / 10} h`;
  return `${Math.round((abs / (24 * HOUR)) * 10) / 10} d`;
}

/** 2026-03-01T10:00Z */
export function isoMinute(ms: number): string {
  if (!ms) return 'never';
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

function parseDate(s: string): number {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`date(): "${s}" is not an ISO date`);
  return ms;
}

function registerHelpers(env: Environment): Environment {
  for (const numeric of ['int', 'double']) {
    env
      .registerFunction(`hours(${numeric}): double`, (n: unknown) => toNumber(n) * HOUR, {
        description: 'n hours in milliseconds',
      })
      .registerFunction(`days(${numeric}): double`, (n: unknown) => toNumber(n) * 24 * HOUR, {
        description: 'n days in milliseconds',
      })
      .registerFunction(`minutes(${numeric}): double`, (n: unknown) => toNumber(n) * 60_000, {
        description: 'n minutes in milliseconds',
      })
      .registerFunction(`num(${numeric}): string`, (n: unknown) =>
        String(Math.round(toNumber(n) * 100) / 100),
      )
      .registerFunction(`Actor.distinctViewers(${numeric}): double`, (a: ActorView, m: unknown) =>
        a.distinctViewers(toNumber(m)),
      )
      .registerFunction(`Actor.records(${numeric}): double`, (a: ActorView, m: unknown) =>
        a.records(toNumber(m)),
      )
      .registerFunction(`Actor.accesses(${numeric}): double`, (a: ActorView, m: unknown) =>
        a.accesses(toNumber(m)),
      )
      .registerFunction(
        `Ref.addBusinessDays(double, ${numeric}): double`,
        (r: ReferenceView, at: number, n: unknown) => r.addBusinessDays(at, toNumber(n)),
      );
  }
  return env
    .registerFunction('iso(double): string', (ms: number) => isoMinute(ms), {
      description: 'a time as 2026-03-01T10:00Z',
    })
    .registerFunction('span(double): string', (ms: number) => humanSpan(ms), {
      description: 'a duration as "3 h"',
    })
    .registerFunction('list(list<string>): string', (xs: string[]) => xs.join(', '))
    .registerFunction('date(string): double', (s: string) => parseDate(s), {
      description: 'an ISO date (2026-02-05) or date-time as epoch milliseconds',
    })
    .registerFunction('Viewer.consent(string): Consent', (v: ViewerView, p: string) => v.consent(p), {
      description: 'the consent-ledger entry for a purpose as of the evaluation time',
    })
    .registerFunction('Ref.inSet(string, string): bool', (r: ReferenceView, s: string, c: string) =>
      r.inSet(s, c),
    )
    .registerFunction(
      'Ref.anyInSet(string, list<string>): bool',
      (r: ReferenceView, s: string, c: string[]) => r.anyInSet(s, c),
    )
    .registerFunction(
      'Ref.adequate(string, bool, bool): bool',
      (r: ReferenceView, c: string, dpf: boolean, pip: boolean) => r.adequate(c, dpf, pip),
    )
    .registerFunction('Ref.ageOfConsent(string): double', (r: ReferenceView, c: string) => r.ageOfConsent(c))
    .registerFunction(`string.${RE2_MATCHES}(string): bool`, (text: string, pattern: string) =>
      re2Matches(text, pattern),
    );
}

/**
 * The name `matches` is bound to the library's built-in (JavaScript RegExp, which backtracks) and cannot
 * be registered again, so every parsed `x.matches(p)` is pointed at this RE2 method instead
 * (routeMatchesToRe2). Rule authors keep writing `matches`.
 */
const RE2_MATCHES = 'matchesRe2';

/** The pattern argument of a `text.matches(pattern)` node, or null for any other node. */
function matchesPattern(node: ASTNode): ASTNode | null {
  return node.op === 'rcall' && node.args[0] === 'matches' && node.args[2].length === 1
    ? node.args[2][0]
    : null;
}

/** Every node of a tree, without recursion (bounded trees, but no stack to overflow either way). */
function eachNode(root: ASTNode, visit: (node: ASTNode) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (const y of x) stack.push(y);
    } else if (x !== null && typeof x === 'object' && typeof (x as { op?: unknown }).op === 'string') {
      visit(x as ASTNode);
      stack.push((x as { args: unknown }).args);
    }
  }
}

/** Points each `matches()` call of a parsed expression at the RE2 method (before its first evaluation). */
function routeMatchesToRe2(parsed: ParseResult): ParseResult {
  eachNode(parsed.ast, (node) => {
    if (matchesPattern(node)) (node.args as unknown[])[0] = RE2_MATCHES;
  });
  return parsed;
}

function createBaseEnvironment(kind: TriggerKind): Environment {
  const env = new Environment({ limits: { ...PARSER_LIMITS } });
  for (const [name, def] of Object.entries(TYPE_FIELDS)) {
    env.registerType(name, { ctor: def.ctor, fields: { ...def.fields } } as never);
  }
  registerHelpers(env);
  for (const [name, type] of Object.entries(KIND_VARIABLES[kind])) env.registerVariable(name, type);
  return env;
}

const CEL_PARAM_TYPES: Record<RuleParameter['type'], string> = {
  number: 'double',
  boolean: 'bool',
  string: 'string',
  list: 'list<string>',
  map: 'map<string, double>',
};

export interface StateProbe {
  label: string;
  read: ParseResult;
}

export interface CompiledRule {
  readonly def: RuleDefinition;
  readonly kind: TriggerKind;
  readonly params: object;
  readonly paramValues: Record<string, ParameterValue>;
  readonly condition: ParseResult;
  readonly explanation: ParseResult | null;
  readonly severityOverrides: ReadonlyArray<{ when: ParseResult; severity: Severity }>;
  /** Member paths and calls on state the condition reads, re-read for a finding's stateRead. */
  readonly probes: readonly StateProbe[];
  /** Reference lists the condition consults (by name). */
  readonly lists: readonly string[];
  readonly stateAsOf: 'before_event' | 'after_event';
  /**
   * The subdivision the condition requires before anything else (`viewer.subdivision == "US-VA" && …`),
   * or null. The evaluator skips the rule for a viewer elsewhere without running the condition: exactly
   * what the condition would answer (false, no error: CEL's `false && x` is false whatever x is), for the
   * price of one comparison. A state pack's dozens of rules then cost a viewer only their own state's.
   */
  readonly subdivisionGuard: string | null;
}

export class RuleCompileError extends Error {
  constructor(
    readonly ruleId: string,
    readonly errors: RuleValidationError[],
  ) {
    super(`rule ${ruleId} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  }
}

const PROBE_ROOTS = new Set(['viewer', 'consent', 'actor', 'request', 'item', 'breach', 'notice']);
const LIST_OF_CALL: Record<string, string> = { adequate: 'ADEQ', ageOfConsent: 'AGE_OF_CONSENT' };

const KNOWN_FIELDS = new Set([
  'id',
  'version',
  'framework',
  'reference',
  'severity',
  'title',
  'description',
  'remediation',
  'triggers',
  'condition',
  'explanation',
  'findingSeverityOverride',
  'stateAsOf',
  'parameters',
  'enabled',
]);

/**
 * Compiles and validates rules. One instance per process (or per reference-data version): it owns the
 * CEL environments, so compiled rules from one instance share its helpers.
 */
export class RuleLanguage {
  private readonly bases = new Map<TriggerKind, Environment>();

  constructor(readonly reference: ReferenceData | null = null) {}

  private base(kind: TriggerKind): Environment {
    let env = this.bases.get(kind);
    if (!env) {
      env = createBaseEnvironment(kind);
      this.bases.set(kind, env);
    }
    return env;
  }

  /** Variables and functions available to a trigger kind (for a rule editor's help panel). */
  describe(kind: TriggerKind): ReturnType<Environment['getDefinitions']> {
    return this.base(kind).getDefinitions();
  }

  validate(draft: RuleDraft | RuleDefinition): RuleValidationResult {
    const errors = this.check(draft).errors;
    return errors.length === 0 ? { ok: true } : { ok: false, errors };
  }

  compile(def: RuleDefinition): CompiledRule {
    const { errors, compiled } = this.check(def);
    if (!compiled || errors.length > 0) throw new RuleCompileError(String(def.id), errors);
    return compiled;
  }

  private check(input: RuleDraft | RuleDefinition): {
    errors: RuleValidationError[];
    compiled: CompiledRule | null;
  } {
    const errors: RuleValidationError[] = [];
    const err = (field: string, message: string) => errors.push({ field, message });
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return { errors: [{ field: '', message: 'a rule must be an object' }], compiled: null };
    }
    // Untrusted until checked: every field is tested before it is used.
    const draft = input as Partial<RuleDefinition> & Record<string, unknown>;
    for (const key of Object.keys(draft)) if (!KNOWN_FIELDS.has(key)) err(key, `unknown field "${key}"`);

    if (typeof draft.id !== 'string' || !/^[A-Za-z][A-Za-z0-9._-]{1,63}$/.test(draft.id)) {
      err('id', 'id must be 2-64 characters: letters, digits, ".", "_" or "-", starting with a letter');
    }
    if (typeof draft.version !== 'number' || !Number.isInteger(draft.version) || draft.version < 1) {
      err('version', 'version must be a positive integer');
    }
    if (!FRAMEWORKS.includes(draft.framework as never)) {
      err('framework', `framework must be one of ${FRAMEWORKS.join(', ')}`);
    }
    if (!SEVERITIES.includes(draft.severity as never))
      err('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
    for (const field of ['reference', 'title', 'description', 'remediation'] as const) {
      const value = draft[field];
      if (typeof value !== 'string' || value.trim().length < 3)
        err(field, `${field} is required (plain text)`);
    }
    if (draft.enabled !== undefined && typeof draft.enabled !== 'boolean')
      err('enabled', 'enabled must be true or false');
    if (
      draft.stateAsOf !== undefined &&
      draft.stateAsOf !== 'before_event' &&
      draft.stateAsOf !== 'after_event'
    ) {
      err('stateAsOf', 'stateAsOf must be "before_event" or "after_event"');
    }

    const kind = this.checkTriggers(draft.triggers, err);
    const paramValues = checkParameters(draft.parameters, err);
    if (kind === null || paramValues === null) return { errors, compiled: null };
    if (kind !== 'event' && draft.stateAsOf !== undefined) {
      err('stateAsOf', 'stateAsOf applies to event rules only');
    }

    const env = this.base(kind).clone();
    const ParamsType = class RuleParams {};
    const paramFields: Record<string, string> = {};
    for (const [name, p] of Object.entries(draft.parameters ?? {}))
      paramFields[name] = CEL_PARAM_TYPES[p.type];
    env.registerType('Params', { ctor: ParamsType, fields: paramFields } as never);
    env.registerVariable('params', 'Params');
    const params = Object.assign(new ParamsType(), paramValues);

    const condition = this.compileExpression(env, draft.condition, 'condition', 'bool', err);
    const explanation =
      draft.explanation === undefined
        ? null
        : this.compileExpression(env, draft.explanation, 'explanation', 'string', err);
    if (explanation) routeMatchesToRe2(explanation);
    const overrides: Array<{ when: ParseResult; severity: Severity }> = [];
    if (draft.findingSeverityOverride !== undefined) {
      if (!Array.isArray(draft.findingSeverityOverride)) {
        err('findingSeverityOverride', 'findingSeverityOverride must be a list of {when, severity}');
      } else if (draft.findingSeverityOverride.length > MAX_SEVERITY_OVERRIDES) {
        err(
          'findingSeverityOverride',
          `findingSeverityOverride has ${draft.findingSeverityOverride.length} entries, at most ${MAX_SEVERITY_OVERRIDES}`,
        );
      } else {
        draft.findingSeverityOverride.forEach((o, i) => {
          const field = `findingSeverityOverride[${i}]`;
          if (!SEVERITIES.includes(o?.severity))
            err(`${field}.severity`, `severity must be one of ${SEVERITIES.join(', ')}`);
          const when = this.compileExpression(env, o?.when, `${field}.when`, 'bool', err);
          if (when) overrides.push({ when: routeMatchesToRe2(when), severity: o.severity });
        });
      }
    }
    if (!condition || errors.length > 0) return { errors, compiled: null };

    const probes: StateProbe[] = [];
    const lists = new Set<string>();
    collectProbes(condition.ast, probes, lists, env, new Set());
    for (const name of lists) {
      if (this.reference && !this.reference.hasSet(name)) {
        err('condition', `unknown reference list "${name}" (known: ${this.reference.setNames().join(', ')})`);
      }
    }
    if (errors.length > 0) return { errors, compiled: null };
    // After collectProbes, so the labels of the state read keep the name the author wrote.
    routeMatchesToRe2(condition);
    const def = draft as RuleDefinition;
    return {
      errors,
      compiled: {
        def,
        kind,
        params,
        paramValues,
        condition,
        explanation,
        severityOverrides: overrides,
        probes,
        lists: [...lists],
        stateAsOf: def.stateAsOf ?? 'before_event',
        subdivisionGuard: subdivisionGuard(condition.ast),
      },
    };
  }

  private checkTriggers(
    triggers: unknown,
    err: (field: string, message: string) => void,
  ): TriggerKind | null {
    if (!Array.isArray(triggers) || triggers.length === 0) {
      err('triggers', 'triggers must list at least one event type or one schedule.* kind');
      return null;
    }
    const schedules = triggers.filter((t) => (SCHEDULE_TRIGGERS as readonly string[]).includes(t));
    const unknown = triggers.filter(
      (t) =>
        !(EVENT_TYPES as readonly string[]).includes(t) &&
        !(SCHEDULE_TRIGGERS as readonly string[]).includes(t),
    );
    if (unknown.length > 0) {
      err('triggers', `unknown trigger(s): ${unknown.join(', ')}`);
      return null;
    }
    if (schedules.length > 0 && (schedules.length !== 1 || triggers.length !== 1)) {
      err('triggers', 'a scheduled rule has exactly one schedule.* trigger and no event types');
      return null;
    }
    return schedules.length === 1 ? (schedules[0] as ScheduleTrigger) : 'event';
  }

  private compileExpression(
    env: Environment,
    source: unknown,
    field: string,
    expected: 'bool' | 'string',
    err: (field: string, message: string) => void,
  ): ParseResult | null {
    if (typeof source !== 'string' || source.trim() === '') {
      err(field, `${field} must be a non-empty CEL expression`);
      return null;
    }
    if (source.length > MAX_EXPRESSION_LENGTH) {
      err(field, `${field} is too long (${source.length} characters, at most ${MAX_EXPRESSION_LENGTH})`);
      return null;
    }
    let parsed: ParseResult;
    try {
      parsed = env.parse(source);
    } catch (e) {
      err(field, parseProblem(e as Error));
      return null;
    }
    const problems = boundViolations(measureExpression(parsed.ast));
    if (problems.length > 0) {
      for (const p of problems) err(field, p);
      return null;
    }
    // A literal pattern RE2 refuses (backreferences, lookaround) is refused now, not at every evaluation.
    let badPattern: string | null = null;
    eachNode(parsed.ast, (node) => {
      const arg = matchesPattern(node);
      if (badPattern === null && arg?.op === 'value' && typeof arg.args === 'string') {
        badPattern = patternProblem(arg.args);
      }
    });
    if (badPattern !== null) {
      err(field, `matches(): ${badPattern}`);
      return null;
    }
    const checked = env.check(source);
    if (!checked.valid) {
      err(field, `type error: ${checked.error?.message ?? 'invalid expression'}`);
      return null;
    }
    if (checked.type !== expected) {
      err(field, `${field} must evaluate to ${expected}, but it evaluates to ${checked.type}`);
      return null;
    }
    return parsed;
  }
}

/** The parser's own limits (set above ours) say "Exceeded maxDepth (64)": name our bound instead. */
function parseProblem(e: Error): string {
  if (e.message.startsWith('Exceeded maxDepth'))
    return `the expression nests too deep (at most ${MAX_EXPRESSION_DEPTH} levels)`;
  if (e.message.startsWith('Exceeded maxAstNodes'))
    return `the expression has too many syntax nodes (at most ${MAX_EXPRESSION_NODES})`;
  return `syntax error: ${e.message}`;
}

/** The string literal `viewer.subdivision` must equal for the whole && chain to hold, if its first conjunct says so. */
export function subdivisionGuard(ast: ASTNode): string | null {
  let first: ASTNode = ast;
  while (first.op === '&&') first = (first.args as ASTNode[])[0];
  if (first.op !== '==') return null;
  const [a, b] = first.args as ASTNode[];
  const isSubdivision = (n: ASTNode) => {
    if (n.op !== '.') return false;
    const [object, field] = n.args as [ASTNode, string];
    return field === 'subdivision' && object.op === 'id' && object.args === 'viewer';
  };
  const literal = (n: ASTNode) => (n.op === 'value' && typeof n.args === 'string' ? n.args : null);
  if (isSubdivision(a)) return literal(b);
  if (isSubdivision(b)) return literal(a);
  return null;
}

function chainRoot(node: ASTNode): string | null {
  let n: ASTNode = node;
  for (;;) {
    if (n.op === 'id') return n.args;
    if (n.op === '.') n = n.args[0];
    else if (n.op === 'rcall') n = n.args[1];
    else return null;
  }
}

function collectProbes(
  node: ASTNode,
  probes: StateProbe[],
  lists: Set<string>,
  env: Environment,
  seen: Set<string>,
): void {
  if (node.op === '.' || node.op === 'rcall') {
    const root = chainRoot(node);
    if (root !== null && PROBE_ROOTS.has(root)) {
      const label = serialize(node);
      if (!seen.has(label)) {
        seen.add(label);
        probes.push({ label, read: routeMatchesToRe2(env.parse(label)) });
      }
    }
    if (node.op === 'rcall' && root === 'ref') {
      const [name, , args] = node.args;
      const first = args[0];
      if (
        (name === 'inSet' || name === 'anyInSet') &&
        first?.op === 'value' &&
        typeof first.args === 'string'
      ) {
        lists.add(first.args);
      }
      if (LIST_OF_CALL[name]) lists.add(LIST_OF_CALL[name]);
    }
    // A maximal chain was recorded; still look inside call arguments.
    if (node.op === 'rcall') for (const a of node.args[2]) collectProbes(a, probes, lists, env, seen);
    if (root !== null && PROBE_ROOTS.has(root)) return;
  }
  const args = (node as { args: unknown }).args;
  const visit = (x: unknown) => {
    if (x !== null && typeof x === 'object' && 'op' in (x as object))
      collectProbes(x as ASTNode, probes, lists, env, seen);
    else if (Array.isArray(x)) x.forEach(visit);
  };
  visit(args);
}

function checkParameters(
  parameters: unknown,
  err: (field: string, message: string) => void,
): Record<string, ParameterValue> | null {
  const values: Record<string, ParameterValue> = {};
  if (parameters === undefined) return values;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    err('parameters', 'parameters must be an object of name → {type, default, description}');
    return null;
  }
  let ok = true;
  for (const [name, raw] of Object.entries(parameters as Record<string, RuleParameter>)) {
    const field = `parameters.${name}`;
    const fail = (message: string) => {
      err(field, message);
      ok = false;
    };
    if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(name)) {
      fail('parameter names are identifiers (letters, digits, _)');
      continue;
    }
    // Own keys only: `in` would also accept "constructor" or "toString" (Object.prototype's members).
    if (
      raw === null ||
      typeof raw !== 'object' ||
      typeof raw.type !== 'string' ||
      !Object.prototype.hasOwnProperty.call(CEL_PARAM_TYPES, raw.type)
    ) {
      fail('type must be number, boolean, string, list or map');
      continue;
    }
    if (typeof raw.description !== 'string' || raw.description.trim() === '')
      fail('a description is required');
    const v = raw.default;
    switch (raw.type) {
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) fail('default must be a number');
        else if ((raw.min !== undefined && v < raw.min) || (raw.max !== undefined && v > raw.max)) {
          fail(`default ${v} is outside [${raw.min ?? '-∞'}, ${raw.max ?? '∞'}]`);
        }
        break;
      case 'boolean':
        if (typeof v !== 'boolean') fail('default must be true or false');
        break;
      case 'string':
        if (typeof v !== 'string') fail('default must be text');
        else if (raw.oneOf && !raw.oneOf.includes(v)) fail(`default must be one of ${raw.oneOf.join(', ')}`);
        break;
      case 'list':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail('default must be a list of text');
        break;
      case 'map':
        if (
          v === null ||
          typeof v !== 'object' ||
          Array.isArray(v) ||
          Object.values(v).some((x) => typeof x !== 'number')
        ) {
          fail('default must be an object of name → number');
        }
        break;
    }
    values[name] = v;
  }
  return ok ? values : null;
}

/** Applies configured parameter values (e.g. from the database) over a rule's defaults, validated. */
export function withParameters(
  def: RuleDefinition,
  overrides: Record<string, ParameterValue>,
): RuleDefinition {
  const parameters: Record<string, RuleParameter> = { ...(def.parameters ?? {}) };
  for (const [name, value] of Object.entries(overrides)) {
    if (!parameters[name]) throw new Error(`rule ${def.id} has no parameter "${name}"`);
    parameters[name] = { ...parameters[name], default: value };
  }
  return { ...def, parameters };
}

let defaultLanguage: RuleLanguage | null = null;

/**
 * Parses and type-checks a rule draft; `{ok:false, errors:[{field, message}]}` names each problem.
 * Pass a RuleLanguage built with the reference data to also check the names of reference lists.
 */
export function validateRule(
  draft: RuleDraft | RuleDefinition,
  language?: RuleLanguage,
): RuleValidationResult {
  defaultLanguage ??= new RuleLanguage();
  return (language ?? defaultLanguage).validate(draft);
}
