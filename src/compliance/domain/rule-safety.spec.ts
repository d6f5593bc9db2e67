import { seedRuleLanguage } from '../rule-packs';
import {
  MAX_COMPREHENSION_NESTING,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_NODES,
  MAX_SEVERITY_OVERRIDES,
} from './expression-bounds';
import { cachedPatternCount, PATTERN_CACHE_SIZE, re2Matches } from './re2-matching';
import type { RuleDefinition } from './rule';
import { EventDataView } from './rule-context';
import type { RuleContext } from './rule-language';
import { makeEvent } from '../../../tools/testing/compliance/event-factory';

const language = seedRuleLanguage();

/** A rule over its own parameters only, so a test can evaluate it without any event or state. */
function rule(condition: string, params: Record<string, string> = {}, extra: Partial<RuleDefinition> = {}) {
  const parameters: RuleDefinition['parameters'] = {};
  for (const [name, value] of Object.entries(params)) {
    parameters[name] = { type: 'string', default: value, description: `the ${name}` };
  }
  return {
    id: 'SAFE-01',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 6(1)',
    severity: 'high',
    title: 'Safety test',
    description: 'A rule used by the safety tests.',
    remediation: 'Nothing to do.',
    triggers: ['playback.started'],
    condition,
    parameters,
    ...extra,
  } as RuleDefinition;
}

const errorsOf = (def: RuleDefinition) => {
  const r = language.validate(def);
  return r.ok ? [] : r.errors;
};

function evaluate(def: RuleDefinition): unknown {
  const compiled = language.compile(def);
  return compiled.condition({ params: compiled.params } as RuleContext);
}

describe('matches() runs on RE2 (linear time, no backtracking)', () => {
  it('answers the catastrophic-backtracking pattern at once, with partial-match semantics', () => {
    const started = process.hrtime.bigint();
    // JavaScript's RegExp takes seconds on this input (and doubles per extra "a").
    expect(evaluate(rule('params.text.matches("^(a+)+$")', { text: 'a'.repeat(27) + '!' }))).toBe(false);
    expect(evaluate(rule('params.text.matches("^(a+)+$")', { text: 'a'.repeat(5000) }))).toBe(true);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
    // CEL matches() is a partial match: "b" matches "abc".
    expect(evaluate(rule('params.text.matches("b")', { text: 'abc' }))).toBe(true);
    expect(evaluate(rule('params.text.matches("^b")', { text: 'abc' }))).toBe(false);
  });

  it('runs on RE2 for an untyped (dyn) receiver too, e.g. a value of the event data', () => {
    const def = rule('data.params["q"].matches("^(a+)+$")');
    const compiled = language.compile(def);
    const on = (q: string) =>
      compiled.condition({
        data: new EventDataView(makeEvent('playback.started', { params: { q } })),
        params: compiled.params,
      } as RuleContext);
    // 40 a's and a "!" would backtrack for days on JavaScript's RegExp.
    expect(on('a'.repeat(40) + '!')).toBe(false);
    expect(on('aaa')).toBe(true);
  });

  it('refuses, at save, a literal pattern RE2 cannot run (backreference, lookaround)', () => {
    for (const pattern of ['(a)\\\\1', '(?=a)b', '(?<!a)b']) {
      const errors = errorsOf(rule(`"x".matches("${pattern}")`));
      expect(errors).toHaveLength(1);
      expect(errors[0].field).toBe('condition');
      expect(errors[0].message).toMatch(/^matches\(\): invalid regular expression .*RE2/);
    }
    // The same check applies to the explanation and to severity overrides, naming their field.
    const override = errorsOf(
      rule('true', {}, { findingSeverityOverride: [{ when: '"x".matches("(?=x)")', severity: 'low' }] }),
    );
    expect(override.map((e) => e.field)).toEqual(['findingSeverityOverride[0].when']);
  });

  it('fails the evaluation (not the process) when a pattern built at run time is invalid', () => {
    const def = rule('params.text.matches(params.pattern)', { text: 'aa', pattern: '(a)\\1' });
    expect(language.validate(def)).toEqual({ ok: true });
    expect(() => evaluate(def)).toThrow(/invalid regular expression/);
  });

  it('keeps a bounded cache of compiled patterns', () => {
    for (let i = 0; i < PATTERN_CACHE_SIZE + 50; i++) expect(re2Matches(`x${i}`, `^x${i}$`)).toBe(true);
    expect(cachedPatternCount()).toBe(PATTERN_CACHE_SIZE);
  });
});

describe('save-time bounds on rule expressions', () => {
  const only = (def: RuleDefinition) => errorsOf(def).map((e) => `${e.field}: ${e.message}`);

  it('refuses a comprehension nested in another (a 1000 × 1000 map), naming the bound', () => {
    const list = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    const errors = only(rule(`${list}.map(x, ${list}.map(y, x * y)).size() > 0`));
    expect(errors).toEqual([
      `condition: the expression nests 2 comprehensions (map, filter, all, exists, exists_one) inside one another, at most ${MAX_COMPREHENSION_NESTING}`,
    ]);
    // A chain is not nesting: its ranges are evaluated once each.
    expect(only(rule(`${list}.map(x, x * 2).filter(y, y > 3).exists(z, z == 4)`))).toEqual([]);
    expect(only(rule('[1, 2].exists(x, [3].all(y, y > x))'))).toHaveLength(1);
  });

  it('refuses split(), which turns a text into a list of any length (a 1000 × 1000 map without nesting)', () => {
    const text = 'a'.repeat(1000);
    const errors = only(rule(`"${text}".split("").map(x, "${text}".split("")).size() > 0`));
    expect(errors).toEqual([
      expect.stringMatching(/^condition: split\(\) is not available in rules/),
    ]);
  });

  it('refuses too long, too deep and too large expressions', () => {
    const long = `"${'a'.repeat(MAX_EXPRESSION_LENGTH)}" == ""`;
    expect(only(rule(long))).toEqual([
      `condition: condition is too long (${long.length} characters, at most ${MAX_EXPRESSION_LENGTH})`,
    ]);
    const deep = `${'1 + ('.repeat(40)}1${')'.repeat(40)} > 0`;
    expect(only(rule(deep))[0]).toMatch(new RegExp(`^condition: .*at most ${MAX_EXPRESSION_DEPTH}`));
    const nested1500 = `${'['.repeat(1500)}${']'.repeat(1500)}.size() > 0`;
    expect(only(rule(nested1500))[0]).toMatch(new RegExp(`^condition: .*at most ${MAX_EXPRESSION_DEPTH}`));
    const wide = Array.from({ length: 150 }, (_, i) => `params.a == "${i}"`).join(' || ');
    expect(only(rule(wide, { a: 'x' }))[0]).toMatch(
      new RegExp(`^condition: the expression has \\d+ syntax nodes, at most ${MAX_EXPRESSION_NODES}`),
    );
  });

  it('bounds the number of severity overrides (each one is evaluated for a finding)', () => {
    const overrides = Array.from({ length: MAX_SEVERITY_OVERRIDES + 1 }, () => ({ when: 'true', severity: 'low' }));
    expect(only(rule('true', {}, { findingSeverityOverride: overrides as never }))).toEqual([
      `findingSeverityOverride: findingSeverityOverride has ${MAX_SEVERITY_OVERRIDES + 1} entries, at most ${MAX_SEVERITY_OVERRIDES}`,
    ]);
    expect(only(rule('true', {}, { findingSeverityOverride: overrides.slice(1) as never }))).toEqual([]);
  });

  it('bounds the explanation too', () => {
    const list = '[1, 2]';
    const errors = errorsOf(rule('true', {}, { explanation: `${list}.map(x, ${list}.map(y, y)).size() > 0 ? "a" : "b"` }));
    expect(errors.map((e) => e.field)).toEqual(['explanation']);
  });
});

describe('rule parameter types', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'refuses %s as a type, naming the parameter',
    (type) => {
      const def = rule('true');
      def.parameters = { limit: { type, default: 1, description: 'a limit' } as never };
      expect(errorsOf(def)).toEqual([
        { field: 'parameters.limit', message: 'type must be number, boolean, string, list or map' },
      ]);
    },
  );
});
