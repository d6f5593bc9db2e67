/**
 * The compiled validator must decide exactly as class-validator does. Every example, and several thousand
 * events derived from them (each leaf deleted, retyped, resized, reformatted; unknown and reserved keys at
 * every level; type-specific edge cases; random combinations), go through both; the decisions must be equal
 * and so must the fields the errors point at.
 */
import { EVENT_FAMILIES, EVENT_TYPES, type EventType, familyOf } from '../domain/event-types';
import { EVENT_EXAMPLES } from './event-examples';
import { type FieldError, validateEvent, type ValidationOutcome } from './event-validation';
import { EventValidator } from './event-validator';

const NOW = Date.parse('2026-11-27T00:00:00Z');
const clock = { now: () => NOW };
const compiled = new EventValidator(clock);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

interface Case {
  name: string;
  event: unknown;
}

function example(type: EventType): { [key: string]: Json } {
  return structuredClone(EVENT_EXAMPLES[type]) as unknown as { [key: string]: Json };
}

/** Every path in a JSON value, containers included, root excluded. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_v, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<string | number, Json>)[key], path)];
  });
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

const WRONG_TYPES: Json[] = [null, 0, -1.5, 1e21, true, false, '', 'x', [], ['x'], [1], {}, { a: 1 }];
/** Around every string bound in the contract (2, 32, 35, 36, 45, 64, 128, 256, 512, 1024). */
const LENGTHS = [1, 2, 3, 32, 33, 36, 37, 45, 46, 64, 65, 128, 129, 256, 257, 512, 513, 1024, 1025];
const ODD_STRINGS = [
  'a\u0000b',
  'a\nb',
  'a\tb',
  'a\rb',
  'a\u007fb',
  'a\u0085b',
  '\ud800',
  '😀',
  '😀'.repeat(64),
  '😀'.repeat(65),
  ' leading',
  'trailing ',
  'jane@example.com',
  'Ünïcödé',
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  'FR',
  'fr',
  'Fr',
  'XK',
  'UK',
  'EU',
  'US-CA',
  'EEA',
  'snake_case_token',
  'UPPER',
  '2026-03-01T10:15:00Z',
  '2026-03-01T10:15:00',
  '2026-02-30T10:15:00Z',
  '1999-12-31T23:59:59Z',
  '203.0.113.7',
  '::ffff:203.0.113.7',
  '256.0.0.1',
  'fe80::1%eth0',
  '0b9e4e1c-5a7d-4c2e-9f1a-2d3b4c5d6e7f',
  '0B9E4E1C-5A7D-4C2E-9F1A-2D3B4C5D6E7F',
  '0b9e4e1c-5a7d-0c2e-9f1a-2d3b4c5d6e7f',
];
const RESERVED_KEYS = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  '__defineGetter__',
];

function isoAt(offsetMs: number): string {
  return new Date(NOW + offsetMs).toISOString();
}

/** Adds a key the JSON way: JSON.parse makes "__proto__" an own property, as a request body would. */
function withKey(root: Json, containerPath: Path, key: string, value: Json): unknown {
  const copy = structuredClone(root);
  (pathValue(copy, containerPath) as Record<string, Json>).__marker__ = 0;
  return JSON.parse(
    JSON.stringify(copy).replace('"__marker__":0', `${JSON.stringify(key)}:${JSON.stringify(value)}`),
  );
}

function genericCases(type: EventType): Case[] {
  const base = example(type);
  const cases: Case[] = [{ name: `${type} as is`, event: base }];
  // The envelope is declared once, in the base class every family extends: mutating it in the first type of
  // each family covers it; the payload is mutated in every type.
  const family = EVENT_FAMILIES[familyOf(type)] as readonly EventType[];
  const paths = pathsOf(base).filter((path) => path[0] === 'data' || family[0] === type);
  const containers: Path[] = [[], ...paths.filter((p) => typeof pathValue(base, p) === 'object')];
  for (const path of paths) {
    const where = `${type} ${path.join('.')}`;
    cases.push({ name: `${where} deleted`, event: setAt(base, path, undefined) });
    for (const wrong of WRONG_TYPES)
      cases.push({ name: `${where} = ${JSON.stringify(wrong)}`, event: setAt(base, path, wrong) });
    if (typeof pathValue(base, path) !== 'string') continue;
    for (const length of LENGTHS) {
      cases.push({ name: `${where} = a×${length}`, event: setAt(base, path, 'a'.repeat(length)) });
    }
    for (const odd of ODD_STRINGS)
      cases.push({ name: `${where} = ${JSON.stringify(odd)}`, event: setAt(base, path, odd) });
  }
  for (const container of containers) {
    if (Array.isArray(pathValue(base, container))) continue;
    const where = `${type} ${container.join('.') || '(root)'}`;
    cases.push({ name: `${where} + unknown key`, event: withKey(base, container, 'unexpected', 1) });
    for (const key of RESERVED_KEYS)
      cases.push({ name: `${where} + ${key}`, event: withKey(base, container, key, 'x') });
  }
  for (const offset of [
    -1,
    0,
    60_000,
    4 * 60_000,
    5 * 60_000,
    5 * 60_000 + 1000,
    6 * 60_000,
    365 * 86_400_000,
  ]) {
    cases.push({
      name: `${type} occurredAt now${offset >= 0 ? '+' : ''}${offset}ms`,
      event: { ...base, occurredAt: isoAt(offset) },
    });
  }
  for (const other of EVENT_TYPES) {
    if (other !== type) cases.push({ name: `${type} retyped as ${other}`, event: { ...base, type: other } });
  }
  return cases;
}

function pathValue(root: Json, path: Path): Json {
  return path.reduce<Json>((value, key) => (value as Record<string | number, Json>)[key], root);
}

function specificCases(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, event: unknown) => cases.push({ name, event });
  for (const notAnEvent of [
    null,
    undefined,
    42,
    'event',
    [],
    [example('auth.logout')],
    {},
    { type: 'auth.Logout' },
  ]) {
    add(`not an event: ${JSON.stringify(notAnEvent)}`, notAnEvent);
  }
  const age = example('account.age_verified');
  add('age and ageBand', setAt(age, ['data', 'ageBand'], '13_15'));
  add('ageBand only', setAt(setAt(age, ['data', 'age'], undefined), ['data', 'ageBand'], '13_15'));
  add('neither age nor ageBand', setAt(age, ['data', 'age'], undefined));
  add('bad ageBand only', setAt(setAt(age, ['data', 'age'], undefined), ['data', 'ageBand'], '12_15'));
  add('age 130', setAt(age, ['data', 'age'], 130));
  add('age 131', setAt(age, ['data', 'age'], 131));
  add('age 15.5', setAt(age, ['data', 'age'], 15.5));
  const parental = example('account.parental_consent_given');
  add('no scopes', setAt(parental, ['data', 'scopes'], []));
  add(
    'all scopes',
    setAt(parental, ['data', 'scopes'], ['collection', 'third_party_disclosure', 'sale_share']),
  );
  add(
    '4 scopes',
    setAt(parental, ['data', 'scopes'], ['collection', 'collection', 'sale_share', 'sale_share']),
  );
  add('unknown scope', setAt(parental, ['data', 'scopes'], ['collection', 'marketing']));
  add('scope not in an array', setAt(parental, ['data', 'scopes'], 'collection'));
  const accessed = example('data.accessed');
  for (const actorType of ['viewer', 'partner', 'service', 'staff']) {
    add(`data.accessed by ${actorType}`, setAt(accessed, ['actor', 'type'], actorType));
    add(`data.shared by ${actorType}`, setAt(example('data.shared'), ['actor', 'type'], actorType));
  }
  for (const type of EVENT_TYPES) {
    add(`${type} without userId`, setAt(example(type), ['userId'], undefined));
    add(`${type} without data`, setAt(example(type), ['data'], undefined));
    add(`${type} with data {}`, setAt(example(type), ['data'], {}));
    add(
      `${type} data as array of itself`,
      setAt(example(type), ['data'], [pathValue(example(type), ['data']) ?? {}]),
    );
  }
  const tracking = example('tracking.fired');
  const params = (n: number, length: number) =>
    Object.fromEntries(Array.from({ length: n }, (_v, i) => [`p${i}`, 'v'.repeat(length)]));
  add('32 params of 240 chars (just under 8 KB)', setAt(tracking, ['data', 'params'], params(32, 240)));
  add('32 params of 260 chars (over 8 KB)', setAt(tracking, ['data', 'params'], params(32, 260)));
  add('33 params', setAt(tracking, ['data', 'params'], params(33, 1)));
  add('params with a nested object', setAt(tracking, ['data', 'params'], { a: { b: 1 } }));
  add('params with an array', setAt(tracking, ['data', 'params'], { a: [1] }));
  add('params with null', setAt(tracking, ['data', 'params'], { a: null }));
  add('params with a bad key', setAt(tracking, ['data', 'params'], { 'a b': 1 }));
  add('params with a 65-char key', setAt(tracking, ['data', 'params'], { ['k'.repeat(65)]: 1 }));
  add('params with an empty key', setAt(tracking, ['data', 'params'], { '': 1 }));
  add('params with a bracket key', setAt(tracking, ['data', 'params'], { 'cd[1]': 'x' }));
  add('params with a control character', setAt(tracking, ['data', 'params'], { a: 'x\ny' }));
  add('params without entries', setAt(tracking, ['data', 'params'], {}));
  const served = example('ad.served');
  const segments = (n: number, length: number) => Array.from({ length: n }, () => 's'.repeat(length));
  add('64 segments of 120 chars (under 8 KB)', setAt(served, ['data', 'segments'], segments(64, 120)));
  add('64 segments of 128 chars (over 8 KB)', setAt(served, ['data', 'segments'], segments(64, 128)));
  add('65 segments', setAt(served, ['data', 'segments'], segments(65, 1)));
  add('segment of 129 chars', setAt(served, ['data', 'segments'], segments(1, 129)));
  add('segments of 64 emoji (128 code units each)', setAt(served, ['data', 'segments'], ['😀'.repeat(64)]));
  let deep: Json = 'bottom';
  for (let i = 0; i < 200; i++) deep = [deep];
  add('deeply nested params value', setAt(tracking, ['data', 'params'], { a: deep }));
  add('deeply nested unknown key', setAt(tracking, ['data', 'nested'], deep));
  add('gpc "true"', setAt(example('playback.started'), ['gpc'], 'true'));
  add('recordCount 1e9', setAt(accessed, ['data', 'recordCount'], 1e9));
  add('recordCount 1e9+1', setAt(accessed, ['data', 'recordCount'], 1e9 + 1));
  add('status 99', setAt(example('api.error'), ['data', 'status'], 99));
  add('status 599', setAt(example('api.error'), ['data', 'status'], 599));
  add('birthYear 2100', setAt(example('account.created'), ['data', 'birthYear'], 2100));
  add('birthYear -0', setAt(example('account.created'), ['data', 'birthYear'], -0));
  const logout = example('auth.logout');
  for (const [country, subdivision] of [
    [undefined, 'US-CA'],
    ['US', 'US-CA'],
    ['us', 'us-tx'],
    ['DE', 'DE-BY'],
    ['GB', 'GB-SCT'],
    ['FR', 'US-CA'],
    ['fr', 'DE-BY'],
    ['UK', 'US-CA'],
    ['US', 'US-'],
    ['US', 'USCA'],
    ['US', 'US-CALI'],
    ['US', 'U1-CA'],
    ['US', 'US_CA'],
    ['US', 'US-C\u00c4'],
    ['US', ''],
    ['US', 42],
  ] as const) {
    add(`country ${country} with subdivision ${subdivision}`, { ...logout, country, subdivision });
  }
  add('expiresAt in 2100', setAt(example('consent.granted'), ['data', 'expiresAt'], '2100-01-01T00:00:00Z'));
  return cases;
}

/** A seeded mix: 1 to 3 mutations of a random example. */
function randomCases(count: number, seed: number): Case[] {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const values: Array<Json | undefined> = [
    undefined,
    ...WRONG_TYPES,
    ...ODD_STRINGS,
    'a'.repeat(129),
    'a'.repeat(513),
  ];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(EVENT_TYPES);
    let event: Json = example(type);
    const steps = 1 + Math.floor(random() * 3);
    for (let step = 0; step < steps; step++) {
      const paths = pathsOf(event);
      if (paths.length === 0) break;
      event = setAt(event, pick(paths), pick(values));
    }
    cases.push({ name: `random #${i} (${type})`, event });
  }
  return cases;
}

/** The fields errors point at, array indices dropped ("data.segments.3" → "data.segments"). */
function errorFields(outcome: ValidationOutcome): string[] {
  if (outcome.ok) return [];
  const fields = outcome.errors.map((error: FieldError) =>
    error.field
      .split('.')
      .filter((segment) => !/^\d+$/.test(segment))
      .join('.'),
  );
  return [...new Set(fields)].sort();
}

/**
 * Both point at the same places, allowing one level of granularity: class-validator reports a bad key of a
 * free-form map on the map ("data.params"), ajv on the key ("data.params.a b").
 */
function sameFields(a: string[], b: string[]): boolean {
  const near = (x: string, y: string) => x === y || x.startsWith(`${y}.`) || y.startsWith(`${x}.`);
  return a.every((x) => b.some((y) => near(x, y))) && b.every((y) => a.some((x) => near(x, y)));
}

function compare(cases: Case[]): void {
  const disagreements: string[] = [];
  for (const { name, event } of cases) {
    const reference = validateEvent(event, clock);
    const fast = compiled.validate(event);
    if (reference.ok !== fast.ok) {
      disagreements.push(
        `${name}: class-validator ${reference.ok ? 'accepts' : 'rejects'}, compiled ${fast.ok ? 'accepts' : 'rejects'} ` +
          JSON.stringify(reference.ok ? fast : reference),
      );
    } else if (!sameFields(errorFields(reference), errorFields(fast))) {
      disagreements.push(
        `${name}: fields ${JSON.stringify(errorFields(reference))} vs ${JSON.stringify(errorFields(fast))}`,
      );
    }
  }
  expect(disagreements.slice(0, 20)).toEqual([]);
}

describe('EventValidator ≡ validateEvent', () => {
  it.each(EVENT_TYPES)(
    '%s: example, every leaf mutated, unknown and reserved keys, clock, retyping',
    (type) => {
      const cases = genericCases(type);
      expect(cases.length).toBeGreaterThan(30);
      compare(cases);
    },
  );

  it('type-specific edge cases', () => {
    compare(specificCases());
  });

  it('random combinations', () => {
    compare(randomCases(3000, 20260301));
  });

  it('the generated cases exercise both decisions', () => {
    const cases = [...EVENT_TYPES.flatMap(genericCases), ...specificCases()];
    const accepted = cases.filter(({ event }) => compiled.validate(event).ok).length;
    expect(accepted).toBeGreaterThan(cases.length * 0.1);
    expect(cases.length - accepted).toBeGreaterThan(cases.length * 0.5);
  });
});
