/**
 * Which stored events a replay of some rules must read. A rule's result depends on its trigger events and
 * on the parts of the viewer's and actor's state its expressions read; each part is written by a few
 * event types only (see viewer-state-reducer.ts). Replaying just those types rebuilds exactly the state
 * the rules see, so a back-test of a consent rule need not read the playback and pixel traffic.
 * Anything not understood (a state root used whole, an unknown field) means every event.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import type { CompiledRule } from './rule-language';

const CONSENT = ['consent.granted', 'consent.withdrawn'];
const ACCOUNT_AGE = ['account.created', 'account.age_verified'];
const LOGIN = ['auth.login.succeeded', 'auth.login.failed'];
const EVERY = 'every' as const;
/** Written by any event that carries a Global Privacy Control signal, whatever its type. */
const GPC = 'gpc' as const;
/** Written by any event that carries an ISO 3166-2 subdivision in its envelope, whatever its type. */
const SUBDIVISION = 'subdivision' as const;

/** Event types that write what each viewer field reads (EVERY: any event, e.g. the last activity). */
const VIEWER_FIELD_WRITERS: Record<
  string,
  readonly string[] | typeof EVERY | typeof GPC | typeof SUBDIVISION
> = {
  userId: [],
  known: EVERY,
  lastActivityAt: EVERY,
  gpcAt: GPC,
  country: ['account.created'],
  region: ['account.created'],
  // The account's country ("US-CA") or the latest envelope subdivision.
  subdivision: SUBDIVISION,
  age: ACCOUNT_AGE,
  ageKnown: ACCOUNT_AGE,
  ageSource: ACCOUNT_AGE,
  ageVerified: ['account.age_verified'],
  parentalVerified: ['account.parental_consent_given'],
  parentalScopes: ['account.parental_consent_given'],
  parentalAt: ['account.parental_consent_given'],
  createdAt: ['account.created'],
  closedAt: ['account.closed'],
  erasedAt: ['dsr.opened', 'dsr.completed'],
  optOutSaleAt: ['dsr.opened', ...CONSENT],
  limitSpiAt: ['dsr.opened'],
  marketingObjectionAt: ['dsr.opened', ...CONSENT],
  lastLoginAt: LOGIN,
  lastLoginCountry: LOGIN,
  lastLoginNewCountry: LOGIN,
  lastLoginFailures: LOGIN,
  lastLoginFailureIps: LOGIN,
  recipients: ['data.shared', 'data.exported'],
  'consent()': CONSENT,
};

/** Variables that carry no stored state (the event itself, reference lists, parameters). */
const STATELESS_ROOTS = new Set(['event', 'data', 'ref', 'params', 'now']);

interface Read {
  root: string;
  /** The field or method read on the root, or '*' when the root itself is used. */
  member: string;
}

function collectReads(node: ASTNode, reads: Read[]): void {
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x !== null && typeof x === 'object' && 'op' in (x as object)) collectReads(x as ASTNode, reads);
  };
  switch (node.op) {
    case 'value':
      return;
    case 'id':
      reads.push({ root: node.args as string, member: '*' });
      return;
    case '.':
    case '.?': {
      const [target, field] = node.args as [ASTNode, string];
      if (target.op === 'id') reads.push({ root: target.args as string, member: field });
      else visit(target);
      return;
    }
    case 'rcall': {
      const [name, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
      if (receiver.op === 'id') reads.push({ root: receiver.args as string, member: `${name}()` });
      else visit(receiver);
      visit(args);
      return;
    }
    default:
      visit(node.args);
  }
}

/**
 * Which stored events a replay must read: these types, (gpcSignals) any event carrying a GPC signal, and
 * (subdivisionSignals) any event carrying a subdivision.
 */
export interface ReplayFilter {
  types: Set<string>;
  gpcSignals: boolean;
  subdivisionSignals: boolean;
}

/** Whether a replay under `filter` (null: every event) reads `event`. */
export function replays(
  filter: ReplayFilter | null,
  event: { type: string; gpc: boolean; subdivision?: string | null },
): boolean {
  return (
    filter === null ||
    filter.types.has(event.type) ||
    (filter.gpcSignals && event.gpc) ||
    (filter.subdivisionSignals && !!event.subdivision)
  );
}

/**
 * The events a replay of `rules` has to read (their triggers included), or null when every event
 * matters (then nothing can be skipped).
 */
export function replayEventTypes(rules: readonly CompiledRule[]): ReplayFilter | null {
  const types = new Set<string>();
  let gpcSignals = false;
  let subdivisionSignals = false;
  for (const rule of rules) {
    for (const t of rule.def.triggers) types.add(t);
    const reads: Read[] = [];
    collectReads(rule.condition.ast, reads);
    if (rule.explanation) collectReads(rule.explanation.ast, reads);
    for (const o of rule.severityOverrides) collectReads(o.when.ast, reads);
    for (const { root, member } of reads) {
      if (STATELESS_ROOTS.has(root)) continue;
      if (root === 'consent') {
        if (member === '*') return null;
        CONSENT.forEach((t) => types.add(t));
      } else if (root === 'actor') {
        // Actor windows count data.accessed; actor.id and actor.type come from the event itself.
        if (member === '*') return null;
        if (member !== 'id' && member !== 'type') types.add('data.accessed');
      } else if (root === 'viewer') {
        const writers = VIEWER_FIELD_WRITERS[member];
        if (writers === undefined || writers === EVERY) return null;
        if (writers === GPC) gpcSignals = true;
        else if (writers === SUBDIVISION) {
          subdivisionSignals = true;
          types.add('account.created');
        } else writers.forEach((t) => types.add(t));
      }
      // Any other identifier is a comprehension's loop variable over values already accounted for.
    }
  }
  return { types, gpcSignals, subdivisionSignals };
}

/**
 * Whether a rule reads an actor's windowed counts (which add up every viewer's events, so a replay of
 * one viewer's events cannot rebuild them). actor.id and actor.type come from the event itself.
 */
export function readsActorWindows(rule: CompiledRule): boolean {
  const reads: Read[] = [];
  collectReads(rule.condition.ast, reads);
  if (rule.explanation) collectReads(rule.explanation.ast, reads);
  for (const o of rule.severityOverrides) collectReads(o.when.ast, reads);
  return reads.some((r) => r.root === 'actor' && r.member !== 'id' && r.member !== 'type');
}
