import fc from 'fast-check';
import { CEL_BOMBS, hostileJsonValue, hostileRawBody, hostileString, PROTOTYPE_KEYS, RAW_MARKER, REGEX_BOMBS } from './hostile-values';
import { OpenApiDoc, Operation, Parameter, resolve, Schema } from './openapi-operations';

/**
 * fast-check arbitraries that turn an OpenAPI operation into HTTP requests: schema-shaped
 * values (so most requests get past validation into the handlers), hostile values mixed into
 * single fields, and hostile bodies as a whole.
 */

export interface FuzzRequest {
  op: string;
  method: string;
  /** Path and query, already percent-encoded. */
  url: string;
  /** Which credential to send: a role name, 'api-key', 'metrics', 'forged' or 'none'. */
  credential: string;
  headers: Record<string, string>;
  body?: string;
  mode: Mode;
  streaming: boolean;
}

/**
 * valid: schema-shaped only; one-field: a valid request with exactly one field (or parameter)
 * made hostile, so the rest passes validation and the hostile value reaches the handler;
 * mutated: any field may be hostile, unknown fields too; raw-body: a hostile body as a whole.
 */
type Mode = 'valid' | 'one-field' | 'mutated' | 'raw-body';

/** Values seen in the running system (ids of rules, channels, victims…), by "segment:param" or field name. */
export type KnownValues = Map<string, string[]>;

export interface GeneratorContext {
  doc: OpenApiDoc;
  known: KnownValues;
  /** Every credential the fuzz holds; roles are keys too. */
  credentials: string[];
  /** Names of query parameters documented anywhere, sent as unknown parameters to other operations. */
  queryNames: string[];
  eventTypes: string[];
}

const MAX_DEPTH = 7;
const MAX_STRING = 40;

interface ValueOptions {
  hostile: boolean;
  name?: string;
  depth: number;
}

/** A JSON value shaped like the schema; with `hostile`, any field may be swapped for a hostile value. */
export function valueArb(ctx: GeneratorContext, schemaOrRef: Schema | undefined, options: ValueOptions): fc.Arbitrary<unknown> {
  const base = shapedArb(ctx, schemaOrRef, options);
  if (!options.hostile) return base;
  return fc.oneof({ weight: 6, arbitrary: base }, { weight: 1, arbitrary: hostileJsonValue.map((h) => h.value) });
}

function shapedArb(ctx: GeneratorContext, schemaOrRef: Schema | undefined, options: ValueOptions): fc.Arbitrary<unknown> {
  const schema: Schema = resolve(ctx.doc, schemaOrRef) ?? {};
  if (options.depth > MAX_DEPTH) return fc.constant({});
  const next = { ...options, depth: options.depth + 1 };
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return fc.oneof(...alternatives.map((s: Schema) => valueArb(ctx, s, next)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged = mergeAllOf(ctx, schema);
    return shapedArb(ctx, merged, options);
  }
  const generated = byType(ctx, schema, options, next);
  const known = options.name ? ctx.known.get(options.name) : undefined;
  const choices: fc.WeightedArbitrary<unknown>[] = [{ weight: 4, arbitrary: generated }];
  // Structured examples tell more than the schema (some item types are documented loosely).
  if (schema.example !== undefined) choices.push({ weight: typeof schema.example === 'object' ? 6 : 2, arbitrary: fc.constant(schema.example) });
  if (known?.length) choices.push({ weight: 3, arbitrary: fc.constantFrom(...known) });
  return choices.length === 1 ? generated : fc.oneof(...choices);
}

function mergeAllOf(ctx: GeneratorContext, schema: Schema): Schema {
  const parts = (schema.allOf as Schema[]).map((s) => resolve(ctx.doc, s) ?? {});
  if (parts.length === 1) return { ...parts[0], example: schema.example ?? parts[0].example };
  return {
    type: 'object',
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    required: parts.flatMap((p) => p.required ?? []),
  };
}

function byType(ctx: GeneratorContext, schema: Schema, options: ValueOptions, next: ValueOptions): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const type = schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      return stringArb(ctx, schema, options.name);
    case 'integer':
    case 'number':
      return numberArb(schema, options.name);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const max = Math.min(schema.maxItems ?? 4, 4);
      const min = Math.min(schema.minItems ?? 0, max);
      if (options.name === 'triggers' && ctx.eventTypes.length) return fc.subarray(ctx.eventTypes, { minLength: 1, maxLength: 3 });
      // Unique items: validators refuse repeated roles, reasons, ids.
      return fc.uniqueArray(valueArb(ctx, schema.items, { ...next, name: singular(options.name) }), { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) });
    }
    case 'object':
      return objectArb(ctx, schema, options, next);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function singular(name: string | undefined): string | undefined {
  return name?.replace(/Ids$/, 'Id').replace(/s$/, '');
}

function objectArb(ctx: GeneratorContext, schema: Schema, options: ValueOptions, next: ValueOptions): fc.Arbitrary<unknown> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const names = Object.keys(properties);
  if (names.length === 0) return freeFormObject(options);
  const required: string[] = Array.isArray(schema.required) ? schema.required : [];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of names) model[name] = valueArb(ctx, properties[name], { ...next, name });
  const record = fc.record(model, { requiredKeys: required.filter((r) => names.includes(r)) }).map((value) => orderRange(value as Record<string, unknown>));
  if (!options.hostile) return record;
  // Hostile objects may also drop required fields or carry unknown and prototype keys.
  return fc.oneof(
    { weight: 6, arbitrary: record },
    { weight: 1, arbitrary: fc.record(model, { requiredKeys: [] }) },
    {
      weight: 2,
      arbitrary: fc.tuple(record, extraKeys()).map(([value, extra]) => withKeys(value as Record<string, unknown>, extra)),
    },
  );
}

/** A range in the right order (from before to): a reversed one only ever meets the same 400. */
function orderRange(value: Record<string, unknown>): Record<string, unknown> {
  for (const [start, end] of [
    ['from', 'to'],
    ['windowStart', 'windowEnd'],
  ]) {
    const a = value[start];
    const b = value[end];
    if (typeof a === 'string' && typeof b === 'string' && a > b) {
      value[start] = b;
      value[end] = a;
    }
  }
  return value;
}

/** Objects the schema leaves open (rule parameters, event data): small dictionaries, rule-parameter-shaped ones too. */
function freeFormObject(options: ValueOptions): fc.Arbitrary<unknown> {
  const parameter = fc.record({
    type: fc.constantFrom('number', 'integer', 'string', 'boolean', 'duration', 'list', 'set', 'constructor', 'toString', '__proto__', 'hasOwnProperty'),
    default: fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.string({ maxLength: 8 }), fc.boolean(), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 })),
    description: fc.string({ maxLength: 20 }),
  });
  const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
  const key = options.hostile ? fc.oneof(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom(...PROTOTYPE_KEYS)) : matching('fixed:key', /^[a-z][A-Za-z0-9_]{0,11}$/);
  const value = options.name === 'parameters' ? fc.oneof(parameter, leaf) : leaf;
  return fc.array(fc.tuple(key, value), { maxLength: 4 }).map((entries) => withKeys({}, entries));
}

/** Unknown fields and prototype keys for a hostile object. */
function extraKeys(): fc.Arbitrary<[string, unknown][]> {
  return fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom('isAdmin', 'roles', 'id', 'userId', 'createdAt', 'hash'), fc.string({ minLength: 1, maxLength: 12 })),
      hostileJsonValue.map((h) => h.value),
    ),
    { minLength: 1, maxLength: 3 },
  );
}

/** Sets own properties, `__proto__` included (plain assignment would change the prototype instead). */
function withKeys(target: Record<string, unknown>, entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(target)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  return out;
}

/** Code units no text field should store: lone surrogates and NUL. */
const BAD_UNITS = ['\udc00', '\u0000', '\ud800', '\udfff'];

const CEL_FIELD = /^(condition|explanation|when)$/;
/** CEL fields that must evaluate to a boolean, like the bombs. */
const BOOL_CEL_FIELD = /^(condition|when)$/;

const VALID_CEL = ['true', 'false', 'event.type == "data.accessed"', 'size(event.userId) > 3', 'event.country in ["FR", "DE"]', '"abc".matches("^a.c$")'];

/** Name heuristics for what the document leaves unsaid (lengths, formats the validators enforce). */
const MIN_LENGTH_BY_NAME: Record<string, number> = { password: 12, refreshToken: 16, title: 3, description: 3, reference: 3, remediation: 3 };

/**
 * stringMatching arbitraries, built once per pattern: building one costs milliseconds (fast-check
 * tokenises every character class), the arbitraries are rebuilt for every operation at every harvest,
 * and this process is also the app under test, whose event loop waits meanwhile.
 */
const matchingByPattern = new Map<string, fc.Arbitrary<string>>();
function matching(source: string, pattern: RegExp): fc.Arbitrary<string> {
  let arb = matchingByPattern.get(source);
  if (!arb) matchingByPattern.set(source, (arb = fc.stringMatching(pattern)));
  return arb;
}

function stringArb(ctx: GeneratorContext, schema: Schema, name = ''): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING);
  const min = Math.min(schema.minLength ?? MIN_LENGTH_BY_NAME[name] ?? 0, max);
  const plain = fc.string({ minLength: min, maxLength: max });
  if (name === 'id' && typeof schema.example === 'string' && !/^[0-9a-f-]{36}$/i.test(schema.example)) return matching('fixed:id', /^[A-Za-z][A-Za-z0-9._-]{1,20}$/);
  if (schema.format === 'uuid' || /(^id$|Id$|^assignedTo$)/.test(name)) return name === 'userId' ? fc.oneof(fc.uuid({ version: 4 }), pseudonymousId()) : fc.uuid({ version: 4 });
  if (schema.format === 'date-time' || /^(from|to|occurredAt|expiresAt|windowStart|windowEnd|since|until|at)$|At$/.test(name)) return isoDate();
  if (schema.format === 'email' || /email/i.test(name)) return fc.emailAddress();
  if (/^(ip|ipAddress)$/.test(name)) return fc.oneof(fc.ipV4(), fc.ipV6());
  if (/country/i.test(name)) return fc.constantFrom('FR', 'DE', 'US', 'BR', 'GB', 'CA', 'ZZ');
  // CEL bombs are schema-valid strings: they belong to every mode, valid included.
  if (name === 'explanation') return fc.constantFrom('"finding"', '"viewer " + event.userId', 'string(event.type)');
  if (CEL_FIELD.test(name)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALID_CEL) }, { weight: 1, arbitrary: fc.constantFrom(...CEL_BOMBS) });
  if (/^(target|url|webhookUrl)$/.test(name)) return fc.oneof(fc.webUrl(), fc.constantFrom('https://203.0.113.9/hook', 'http://[::1]/x', 'http://169.254.169.254/latest', 'ops@example.com'));
  if (name === 'pattern') return fc.oneof({ weight: 3, arbitrary: fc.constantFrom('*', 'risk:*', 'analytics:*', 'x') }, { weight: 1, arbitrary: fc.constantFrom(...REGEX_BOMBS) });
  if (name === 'name') return matching('fixed:name', /^[A-Za-z0-9][A-Za-z0-9 ._-]{2,30}$/);
  if (typeof schema.pattern === 'string') {
    try {
      const pattern = new RegExp(schema.pattern, 'u');
      // A free-text pattern (a negated class: "no control characters") accepts nearly every plain
      // string: filtering plain strings is cheaper than fast-check's negated-class generator.
      if (schema.pattern.includes('[^')) return plain.filter((s) => pattern.test(s));
      return matching(schema.pattern, pattern).filter((s) => s.length <= Math.max(max, 128) && s.length >= min);
    } catch {
      return plain;
    }
  }
  return plain;
}

function pseudonymousId(): fc.Arbitrary<string> {
  return matching('fixed:pseudonym', /^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/);
}

/** A date in the last 300 days (the API refuses ranges far in the past or in the future). */
function isoDate(): fc.Arbitrary<string> {
  const now = Date.now();
  return fc.integer({ min: now - 300 * 86_400_000, max: now - 1000 }).map((ms) => new Date(ms).toISOString());
}

function numberArb(schema: Schema, name = ''): fc.Arbitrary<number> {
  if (name === 'limit' && schema.maximum === undefined) return fc.integer({ min: 1, max: 100 });
  if (name === 'version') return fc.integer({ min: 1, max: 20 });
  if (name === 'sampleSize' && schema.maximum === undefined) return fc.integer({ min: 1, max: 100 });
  const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
  const max = typeof schema.maximum === 'number' ? schema.maximum : Math.max(min + 1000, 100);
  return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1_000_000)) });
}

/** A request for one operation: a mode, a credential, parameters, maybe a body. */
export function requestArb(ctx: GeneratorContext, op: Operation): fc.Arbitrary<FuzzRequest> {
  const modes: fc.WeightedArbitrary<Mode>[] = [
    { weight: 3, arbitrary: fc.constant('valid' as const) },
    { weight: 4, arbitrary: fc.constant('one-field' as const) },
    { weight: 2, arbitrary: fc.constant('mutated' as const) },
  ];
  if (op.body || op.method !== 'GET') modes.push({ weight: 1, arbitrary: fc.constant('raw-body' as const) });
  return fc.oneof(...modes).chain((mode) => {
    // one-field puts its hostile value in the body when there is one, else in one parameter.
    const oneParam = mode === 'one-field' && !op.body;
    const hostile = mode === 'mutated' || mode === 'raw-body';
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const pathValues = fc.tuple(...pathParams.map((p) => pathParamArb(ctx, op, p, hostile)));
    const query = queryArb(ctx, op, hostile);
    const headers = headerArb(ctx, op, hostile);
    const body = bodyArb(ctx, op, mode);
    const spoiler = oneParam ? fc.tuple(fc.nat(), hostileString.map((h) => h.value.slice(0, 1500)), fc.constantFrom(...ctx.queryNames)) : fc.constant(undefined);
    return fc.record({ path: pathValues, query, headers, body, credential: credentialArb(ctx, op), spoiler }).map(({ path, query: q, headers: h, body: b, credential, spoiler: sp }) => {
      const pathOut = [...path];
      const queryOut = [...q];
      if (sp) {
        const [pick, value, name] = sp;
        const slot = pick % (pathOut.length + queryOut.length + 1);
        if (slot < pathOut.length) pathOut[slot] = value;
        else if (slot < pathOut.length + queryOut.length) queryOut[slot - pathOut.length] = [queryOut[slot - pathOut.length][0], value];
        else queryOut.push([op.parameters.find((p) => p.in === 'query')?.name ?? name, value]);
      }
      let url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeComponent(String(pathOut[pathParams.findIndex((p) => p.name === name)] ?? '')));
      if (queryOut.length) url += `?${queryOut.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&')}`;
      const headersOut: Record<string, string> = { ...h };
      if (b.text !== undefined) headersOut['content-type'] = b.contentType;
      return { op: op.key, method: op.method, url, credential, headers: headersOut, body: b.text, mode, streaming: op.streaming };
    });
  });
}

function credentialArb(ctx: GeneratorContext, op: Operation): fc.Arbitrary<string> {
  const allowed = ctx.credentials.filter((c) => op.roles.includes(c) || (c === 'api-key' && op.security.includes('api-key') && op.roles.includes('ingest')));
  const others = ctx.credentials.filter((c) => !allowed.includes(c) && c !== 'metrics');
  const choices: fc.WeightedArbitrary<string>[] = [
    { weight: 1, arbitrary: fc.constant('none') },
    { weight: 1, arbitrary: fc.constant('forged') },
  ];
  if (op.security.includes('metrics-token')) choices.push({ weight: 12, arbitrary: fc.constant('metrics') });
  if (allowed.length) choices.push({ weight: 14, arbitrary: fc.constantFrom(...allowed) });
  if (others.length) choices.push({ weight: op.roles.length === 0 ? 6 : 2, arbitrary: fc.constantFrom(...others) });
  return fc.oneof(...choices);
}

function pathParamArb(ctx: GeneratorContext, op: Operation, p: Parameter, hostile: boolean): fc.Arbitrary<string> {
  const segments = op.path.split('/');
  const before = segments[segments.indexOf(`{${p.name}}`) - 1];
  const known = ctx.known.get(`${before}:${p.name}`) ?? ctx.known.get(p.name) ?? [];
  const choices: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
    { weight: 1, arbitrary: stringArb(ctx, resolve(ctx.doc, p.schema) ?? {}, p.name).map(String) },
  ];
  if (resolve(ctx.doc, p.schema)?.type === 'number' || resolve(ctx.doc, p.schema)?.type === 'integer') choices.push({ weight: 3, arbitrary: fc.integer({ min: 1, max: 50 }).map(String) });
  if (known.length) choices.push({ weight: 6, arbitrary: fc.constantFrom(...known) });
  if (hostile) choices.push({ weight: 4, arbitrary: hostileString.map((h) => h.value.slice(0, 1500)) });
  return fc.oneof(...choices);
}

function queryArb(ctx: GeneratorContext, op: Operation, hostile: boolean): fc.Arbitrary<[string, string][]> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const documented = fc.tuple(
    ...params.map((p) =>
      fc.option(queryValueArb(ctx, p.name, p.schema, hostile).map((v): [string, string][] => v.map((x) => [p.name, x])), { freq: p.required ? 100 : 2, nil: [] as [string, string][] }),
    ),
  );
  // Unknown parameters: names documented on other operations (they may be read undocumented), or random.
  const unknownName = fc.oneof(fc.constantFrom(...ctx.queryNames), fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1, maxLength: 8 }));
  const unknown = hostile
    ? fc.array(fc.tuple(unknownName, fc.oneof(hostileString.map((h) => h.value.slice(0, 1500)), isoDate(), fc.string({ maxLength: 8 }))), { maxLength: 3 })
    : fc.constant([] as [string, string][]);
  return fc.tuple(documented, unknown).map(([doc, extra]) => {
    const pairs = doc.flat();
    const from = pairs.find(([k]) => k === 'from');
    const to = pairs.find(([k]) => k === 'to');
    if (from && to && !hostile && from[1] > to[1]) [from[1], to[1]] = [to[1], from[1]];
    return [...pairs, ...extra];
  });
}

/** A query value, sometimes repeated (?a=1&a=2 arrives as an array). */
function queryValueArb(ctx: GeneratorContext, name: string, schema: Schema, hostile: boolean): fc.Arbitrary<string[]> {
  const shaped = valueArb(ctx, schema, { hostile: false, name, depth: 0 }).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const one = hostile ? fc.oneof({ weight: 1, arbitrary: shaped }, { weight: 2, arbitrary: hostileString.map((h) => h.value.slice(0, 1500)) }) : shaped;
  return fc.oneof({ weight: 9, arbitrary: one.map((v) => [v]) }, { weight: hostile ? 1 : 0, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) });
}

const HEADER_SAFE = /[^\t\x20-\x7e\x80-\xff]/g;

function headerArb(ctx: GeneratorContext, op: Operation, hostile: boolean): fc.Arbitrary<Record<string, string>> {
  const params = op.parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() !== 'authorization');
  return fc.tuple(...params.map((p) => fc.option(hostile ? hostileString.map((h) => h.value) : stringArb(ctx, p.schema, p.name), { freq: 4, nil: undefined }))).map((values) => {
    const out: Record<string, string> = {};
    params.forEach((p, i) => {
      // Node refuses control characters in headers before they leave: keep what a client can send.
      if (values[i] !== undefined) out[p.name.toLowerCase()] = values[i]!.replace(HEADER_SAFE, '?').slice(0, 4000);
    });
    return out;
  });
}

interface BodyOut {
  text?: string;
  contentType: string;
}

function bodyArb(ctx: GeneratorContext, op: Operation, mode: Mode): fc.Arbitrary<BodyOut> {
  // Only the modes that are hostile as a whole lie about the content type; one-field keeps it honest.
  const contentType = mode === 'valid' || mode === 'one-field' ? fc.constant('application/json') : fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded');
  if (mode === 'raw-body') return fc.tuple(hostileRawBody, contentType).map(([b, type]) => ({ text: b.value, contentType: type }));
  if (!op.body) {
    // Operations without a body still get one now and then: handlers must ignore or refuse it.
    return mode === 'valid' ? fc.constant({ contentType: 'application/json' }) : fc.option(fc.tuple(hostileJsonValue, contentType).map(([v, type]) => ({ text: serialize({ value: v.value }), contentType: type })), { freq: 3, nil: { contentType: 'application/json' } });
  }
  const valid = bodyBase(ctx, op, mode === 'one-field' ? 3 : 2);
  if (mode === 'one-field') {
    // A boolean CEL field gets a CEL bomb: that is where one does harm.
    return fc.tuple(valid, hostileJsonValue, fc.constantFrom(...CEL_BOMBS), fc.nat(), contentType).map(([value, h, bomb, pick, type]) => ({
      text: serialize(
        replaceOne(
          value,
          (key, original) => {
            if (BOOL_CEL_FIELD.test(String(key))) return bomb;
            // A third of the string fields keep their valid text with one bad code unit in it:
            // free-text fields (user agents, comments, names) take it past their validators.
            if (typeof original === 'string' && pick % 3 === 1) return `${original}${BAD_UNITS[pick % BAD_UNITS.length]}`;
            return h.value;
          },
          pick,
        ),
      ),
      contentType: type,
    }));
  }
  const body = mode === 'mutated' ? valueArb(ctx, op.body, { hostile: true, depth: 0 }) : valid;
  return fc.tuple(body, contentType).map(([value, type]) => ({ text: serialize(value), contentType: type }));
}

/** A valid body: generated from the schema, or one of the operation's documented examples (ids and times made fresh). */
function bodyBase(ctx: GeneratorContext, op: Operation, exampleWeight: number): fc.Arbitrary<unknown> {
  const generated = valueArb(ctx, op.body, { hostile: false, depth: 0 });
  if (!op.examples.length) return generated;
  const example = fc.tuple(fc.constantFrom(...op.examples), fc.uuid({ version: 4 }), isoDate()).map(([e, uuid, date]) => freshen(e, uuid, date));
  return fc.oneof({ weight: 1, arbitrary: generated }, { weight: exampleWeight, arbitrary: example });
}

/**
 * A copy of an example with new event ids and recent times: the API refuses old events, and a
 * range (from, to) must cover the events stored during the run, or a backtest has nothing to evaluate.
 */
function freshen(value: unknown, uuid: string, date: string, index = { n: 0 }): unknown {
  if (Array.isArray(value)) return value.map((v) => freshen(v, uuid, date, index));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'eventId' && typeof v === 'string') out[k] = `${uuid.slice(0, 24)}${(index.n++).toString(16).padStart(12, '0')}`;
    // A named id (a rule's "ACME-GDPR-01") made unique, or every create after the first is a 409.
    else if (k === 'id' && typeof v === 'string' && /^[A-Za-z][A-Za-z0-9._-]{1,40}$/.test(v)) out[k] = `${v}-${uuid.slice(0, 8)}`;
    else if (k === 'occurredAt' && typeof v === 'string') out[k] = date;
    else if ((k === 'from' || k === 'windowStart') && typeof v === 'string') out[k] = new Date(Date.now() - 30 * 86_400_000).toISOString();
    else if ((k === 'to' || k === 'windowEnd') && typeof v === 'string') out[k] = new Date(Date.now() + 60_000).toISOString();
    else out[k] = freshen(v, uuid, date, index);
  }
  return out;
}

/** Replaces one node (chosen by `pick`) of a JSON value, the root excepted unless it is a leaf. */
export function replaceOne(value: unknown, replacementFor: (key: string | number | undefined, original: unknown) => unknown, pick: number): unknown {
  const paths: (string | number)[][] = [];
  const collect = (node: unknown, path: (string | number)[]) => {
    if (path.length) paths.push(path);
    if (Array.isArray(node)) node.forEach((child, i) => collect(child, [...path, i]));
    else if (node && typeof node === 'object') for (const [k, child] of Object.entries(node)) collect(child, [...path, k]);
  };
  collect(value, []);
  if (!paths.length) return replacementFor(undefined, value);
  // Half of the picks go to boolean CEL fields when there are any: few fields, most harm.
  const celPaths = paths.filter((p) => BOOL_CEL_FIELD.test(String(p[p.length - 1])));
  const target = celPaths.length && pick % 2 === 0 ? celPaths[Math.floor(pick / 2) % celPaths.length] : paths[Math.floor(pick / 2) % paths.length];
  const original = target.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
  const replacement = replacementFor(target[target.length - 1], original);
  const rebuild = (node: unknown, depth: number): unknown => {
    if (depth === target.length) return replacement;
    const key = target[depth];
    if (Array.isArray(node)) return node.map((child, i) => (i === key ? rebuild(child, depth + 1) : child));
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(node as Record<string, unknown>)) {
      Object.defineProperty(out, k, { value: k === key ? rebuild(child, depth + 1) : child, enumerable: true, configurable: true, writable: true });
    }
    return out;
  };
  return rebuild(value, 0);
}

/** JSON text, with raw-JSON placeholders (deep nesting, 1e999) spliced in as they are. */
export function serialize(value: unknown): string {
  const raws: string[] = [];
  const replaced = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'string' && v.startsWith(RAW_MARKER)) {
      raws.push(v.slice(RAW_MARKER.length));
      return `@@fuzz-raw-${raws.length - 1}@@`;
    }
    return v;
  });
  if (replaced === undefined) return 'null';
  return raws.length === 0 ? replaced : replaced.replace(/"@@fuzz-raw-(\d+)@@"/g, (_, i: string) => raws[Number(i)]);
}

/** Percent-encodes any string, lone surrogates included (as the WTF-8 bytes a raw client would send). */
export function encodeComponent(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let out = '';
    for (const ch of value) {
      try {
        out += encodeURIComponent(ch);
      } catch {
        const u = ch.charCodeAt(0);
        out += [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    }
    return out;
  }
}
