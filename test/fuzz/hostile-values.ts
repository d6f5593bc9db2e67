import fc from 'fast-check';

/**
 * The hostile inputs the fuzz mixes into schema-shaped requests: each family is a way a client
 * (or an attacker) has broken, or could break, a parser, a validator, a regex, the database or
 * the rule engine. Every value has a label, so a failure report says which family caused it.
 */

export interface Labelled<T> {
  label: string;
  value: T;
}

const TWO_THOUSAND = 2000;

/** A 1000-element CEL list literal: two of them nested in map() are a million evaluations. */
const BIG_LIST = `[${Array.from({ length: 1000 }, (_, i) => i).join(',')}]`;

/** CEL expressions that are valid syntax but expensive (or catastrophic) to compile or evaluate. */
export const CEL_BOMBS: string[] = [
  '"aaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$")',
  '"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a|aa)+$")',
  'event.userAgent.matches("^(.*a){25}$")',
  `${BIG_LIST}.map(x, ${BIG_LIST}.map(y, x + y)).size() > 0`,
  `${BIG_LIST}.all(a, ${BIG_LIST}.all(b, ${BIG_LIST}.exists(c, a + b + c < 0)))`,
  `${'('.repeat(TWO_THOUSAND)}true${')'.repeat(TWO_THOUSAND)}`,
  `${'!'.repeat(TWO_THOUSAND)}true`,
  Array.from({ length: TWO_THOUSAND }, () => 'true').join(' && '),
  `[${Array.from({ length: 200 }, () => '"x"').join(',')}].map(a, [${Array.from({ length: 200 }, () => '"y"').join(',')}].map(b, a + b + a + b)).size() > 1`,
  'size("x" + "x" + "x") > 0 && "a".matches("(")',
  'has(event.__proto__) || event.constructor == null',
];

/** Regular expressions with catastrophic backtracking, and inputs that trigger it. */
export const REGEX_BOMBS: string[] = ['^(a+)+$', '(a|aa)+$', '(.*a){25}', '^(([a-z])+.)+[A-Z]([a-z])+$', '(x+x+)+y', 'a'.repeat(40) + '!', '*'.repeat(50), '[', '(?<=a)b'];

export const SQL_INJECTIONS: string[] = [
  "' OR '1'='1",
  "1' OR 1=1 --",
  "'; DROP TABLE users; --",
  "' UNION SELECT password_hash, email FROM users --",
  "1); SELECT pg_sleep(5); --",
  "' AND (SELECT pg_sleep(5)) IS NULL --",
  '\\x27; SELECT 1; --',
  '%',
  '_',
  '$1',
  "E'\\\\000'",
];

export const PROTOTYPE_KEYS: string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

export const UNICODE_STRINGS: string[] = [
  'e\u0301', // decomposed é: NFC/NFD differ
  '\u00e9',
  '\u212b', // ANGSTROM SIGN: NFKC → Å
  '\ufb01le', // 'ﬁ' ligature
  '\uff41\uff44\uff4d\uff49\uff4e', // full-width 'admin'
  'adm\u0131n', // dotless i
  '\u0130stanbul',
  'stra\u00dfe',
  '\u202eevil\u202c', // right-to-left override
  '\ufeffbom',
  'zero\u200bwidth',
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67', // ZWJ emoji sequence
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a', // combining marks
  '\u1e9b\u0323', // NFKC changes the base letter
];

export const LONE_SURROGATES: string[] = ['\ud800', '\udfff', 'Mozilla\udc00', 'a\ud83db', '\udc00\ud800', 'x'.repeat(10) + '\ud800'];

export const NUL_STRINGS: string[] = ['\u0000', 'a\u0000b', 'GDPR\u0000', '\u0000\u0000\u0000', '2026-03-01T00:00:00Z\u0000'];

export const INVALID_DATES: string[] = [
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-00-00',
  'not-a-date',
  '1',
  '-1',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-19T00:00:00Z',
  '9999-12-31T23:59:60Z',
  "' OR '1'='1",
  'Infinity',
  'Mon, 32 Dec 2026 00:00:00 GMT',
  '2026-03-01T25:61:61+99:99',
  '',
];

export const CONTROL_AND_MARKUP: string[] = [
  'a\r\nSet-Cookie: fuzz=1',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '${7*7}',
  '{{7*7}}',
  '%s%s%s%n',
  '\\',
  '"',
  '\u0007\u001b[31m',
];

/** Numbers JSON can carry (raw tokens like 1e999 are added by the body builder, see RAW_NUMBERS). */
export const HOSTILE_NUMBERS: number[] = [
  -1,
  0,
  -0,
  0.5,
  -2147483649,
  2147483648,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e308,
  -1e308,
  5e-324,
  1e21,
];

/**
 * JSON number tokens that JSON.parse turns into Infinity / -Infinity / huge precision loss:
 * they can only be sent as raw text, so the body builder splices them in (see RAW_MARKER).
 */
export const RAW_NUMBERS: string[] = ['1e999', '-1e999', '123456789012345678901234567890', '-0.0000000000000000000000001e-400'];

/** Strings that stand for numbers an API might coerce (queries are strings anyway). */
export const NUMBERISH_STRINGS: string[] = ['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1_000', ' 1', '1.0', '-0', '99999999999999999999', '1e-7', ''];

/** A placeholder in a generated value that the body builder replaces with raw JSON text. */
export const RAW_MARKER = '\u0000\u0001raw:';

export function rawJson(text: string): string {
  return `${RAW_MARKER}${text}`;
}

/** JSON nested `depth` levels deep, as text (an object would overflow our own stack to build). */
export function deepJson(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Nesting depths of the deep-JSON family: every one is at least 5,000 levels. */
export const DEEP_DEPTHS = [5_000, 20_000, 100_000];

function labelled(label: string, values: readonly string[]): fc.Arbitrary<Labelled<string>> {
  return fc.constantFrom(...values).map((value) => ({ label, value }));
}

/** Over-long strings: far past every documented maxLength, up to a large share of the body limit. */
const overLong: fc.Arbitrary<Labelled<string>> = fc
  .constantFrom(1_025, 10_001, 100_000, 300_000)
  .chain((n) => fc.constantFrom('x', 'é', '\ud83d\ude00').map((unit) => ({ label: 'over-long', value: unit.repeat(unit.length > 1 ? n / 2 : n) })));

const deepNested: fc.Arbitrary<Labelled<string>> = fc
  .tuple(fc.constantFrom(...DEEP_DEPTHS), fc.constantFrom<'array' | 'object'>('array', 'object'))
  .map(([depth, shape]) => ({ label: 'deep-nesting', value: rawJson(deepJson(depth, shape)) }));

/** One hostile string, any family. */
export const hostileString: fc.Arbitrary<Labelled<string>> = fc.oneof(
  { weight: 5, arbitrary: labelled('lone-surrogate', LONE_SURROGATES) },
  { weight: 5, arbitrary: labelled('nul', NUL_STRINGS) },
  { weight: 2, arbitrary: labelled('sql', SQL_INJECTIONS) },
  { weight: 2, arbitrary: labelled('cel-bomb', CEL_BOMBS) },
  { weight: 2, arbitrary: labelled('regex-bomb', REGEX_BOMBS) },
  { weight: 2, arbitrary: labelled('unicode', UNICODE_STRINGS) },
  { weight: 2, arbitrary: labelled('invalid-date', INVALID_DATES) },
  { weight: 1, arbitrary: labelled('prototype-key', PROTOTYPE_KEYS) },
  { weight: 1, arbitrary: labelled('markup', CONTROL_AND_MARKUP) },
  { weight: 1, arbitrary: labelled('numberish', NUMBERISH_STRINGS) },
  { weight: 1, arbitrary: overLong },
  // Any code units at all, surrogate halves included (fast-check's binary units are code points).
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 40 }).map((value) => ({ label: 'random-utf16', value })) },
);

/** One hostile JSON value for a body field: a hostile string, a bad number, a wrong type, deep nesting. */
export const hostileJsonValue: fc.Arbitrary<Labelled<unknown>> = fc.oneof(
  { weight: 6, arbitrary: hostileString as fc.Arbitrary<Labelled<unknown>> },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map((value) => ({ label: 'number', value })) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_NUMBERS).map((text) => ({ label: 'raw-number', value: rawJson(text) })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], [[[]]], { $gt: '' }, '', 0, ['a', 1, null]).map((value) => ({ label: 'wrong-type', value })),
  },
  { weight: 1, arbitrary: prototypeObject().map((value) => ({ label: 'prototype-key', value })) },
  { weight: 1, arbitrary: deepNested as fc.Arbitrary<Labelled<unknown>> },
);

/** An object with prototype-polluting own keys (built with defineProperty: `__proto__` must be an own key). */
export function prototypeObject(): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.subarray(PROTOTYPE_KEYS, { minLength: 1, maxLength: 3 }), fc.constantFrom<unknown>({ polluted: true, admin: true }, 'x', 1, null, ['admin']))
    .map(([keys, value]) => {
      const object: Record<string, unknown> = {};
      for (const key of keys) Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
      return object;
    });
}

/** Whole request bodies that are hostile as a whole (sent as raw text). */
export const hostileRawBody: fc.Arbitrary<Labelled<string>> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...DEEP_DEPTHS), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([d, s]) => ({ label: 'deep-nesting', value: deepJson(d, s) })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'null', 'true', '"string"', '12', '[]', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '\u0000', '{"a":1e999}')
      .map((value) => ({ label: 'malformed-json', value })),
  },
  { weight: 1, arbitrary: fc.constantFrom(1_000_000, 2_100_000).map((n) => ({ label: 'over-long-body', value: `{"a":"${'x'.repeat(n)}"}` })) },
);
