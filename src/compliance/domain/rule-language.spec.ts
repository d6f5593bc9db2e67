import { SEED_RULES, seedRuleLanguage } from '../rule-packs';
import type { RuleDefinition, RuleDraft } from './rule';
import { RuleCompileError, validateRule, withParameters } from './rule-language';

const base: RuleDefinition = {
  id: 'TEST-01',
  version: 1,
  framework: 'GDPR',
  reference: 'GDPR Art. 6(1)',
  severity: 'high',
  title: 'Test rule',
  description: 'A rule used by the validation tests.',
  remediation: 'Nothing to do.',
  triggers: ['data.shared'],
  condition: 'data.recipientCountry == "IN" && viewer.age > params.minAge',
  parameters: { minAge: { type: 'number', default: 18, min: 0, description: 'Minimum age.' } },
};

const language = seedRuleLanguage();
const errorsOf = (draft: RuleDraft | RuleDefinition) => {
  const result = language.validate(draft);
  return result.ok ? [] : result.errors;
};

describe('validateRule', () => {
  it('accepts a well-formed rule and every seed rule', () => {
    expect(validateRule(base)).toEqual({ ok: true });
    for (const rule of SEED_RULES)
      expect([rule.id, language.validate(rule)]).toEqual([rule.id, { ok: true }]);
  });

  it('names every missing or malformed field', () => {
    const errors = errorsOf({
      id: '1',
      version: 0,
      framework: 'HIPAA',
      severity: 'urgent',
      triggers: [],
      condition: 'true',
    });
    const fields = errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'id',
        'version',
        'framework',
        'severity',
        'reference',
        'title',
        'description',
        'remediation',
        'triggers',
      ]),
    );
    expect(errors.find((e) => e.field === 'framework')?.message).toMatch(/one of GDPR, ePrivacy/);
  });

  it('rejects unknown fields (a typo is not silently ignored)', () => {
    expect(errorsOf({ ...base, conditon: 'true' })).toEqual([
      { field: 'conditon', message: 'unknown field "conditon"' },
    ]);
  });

  it('reports syntax errors with their position', () => {
    const [error] = errorsOf({ ...base, condition: 'data.recipientCountry == "IN" &&' });
    expect(error.field).toBe('condition');
    expect(error.message).toMatch(/^syntax error: /);
    expect(error.message).toContain('^');
  });

  it('reports a field the event does not have', () => {
    const [error] = errorsOf({ ...base, condition: 'data.recipientCountyr == "IN"' });
    expect(error).toMatchObject({ field: 'condition' });
    expect(error.message).toMatch(/type error: .*recipientCountyr/);
  });

  it('reports type mismatches and unknown functions', () => {
    expect(errorsOf({ ...base, condition: 'consent.state == 1' })[0].message).toMatch(
      /type error: no such overload: string == int/,
    );
    expect(errorsOf({ ...base, condition: 'shell("rm -rf /")' })[0].message).toMatch(/type error: .*shell/);
  });

  it('requires the condition to be a boolean and the explanation a string', () => {
    expect(errorsOf({ ...base, condition: 'viewer.age' })).toEqual([
      { field: 'condition', message: 'condition must evaluate to bool, but it evaluates to double' },
    ]);
    expect(errorsOf({ ...base, explanation: 'viewer.age > 3.0' })[0]).toMatchObject({ field: 'explanation' });
  });

  it('checks parameters: declared, typed, within bounds', () => {
    expect(errorsOf({ ...base, condition: 'viewer.age > params.maxAge' })[0].message).toMatch(/maxAge/);
    expect(
      errorsOf({
        ...base,
        parameters: { minAge: { type: 'number', default: -1, min: 0, description: 'x' } },
      })[0],
    ).toEqual({ field: 'parameters.minAge', message: 'default -1 is outside [0, ∞]' });
    expect(
      errorsOf({
        ...base,
        parameters: { minAge: { type: 'list', default: 'DE', description: 'x' } } as never,
      })[0],
    ).toEqual({ field: 'parameters.minAge', message: 'default must be a list of text' });
  });

  it('only offers the variables of the trigger kind', () => {
    const scheduled = {
      ...base,
      triggers: ['schedule.dsr_deadline'],
      condition: 'event.type == "dsr.opened"',
      parameters: {},
    };
    expect(errorsOf(scheduled)[0].message).toMatch(/type error: .*event/);
    expect(errorsOf({ ...scheduled, condition: 'now > request.due' })).toEqual([]);
  });

  it('rejects unknown triggers and mixes of events and schedules', () => {
    expect(errorsOf({ ...base, triggers: ['data.leaked'] })[0]).toEqual({
      field: 'triggers',
      message: 'unknown trigger(s): data.leaked',
    });
    expect(errorsOf({ ...base, triggers: ['data.shared', 'schedule.retention'] })[0].field).toBe('triggers');
  });

  it('rejects unknown reference lists', () => {
    const [error] = errorsOf({ ...base, condition: 'ref.inSet("EEAX", viewer.country)' });
    expect(error.field).toBe('condition');
    expect(error.message).toMatch(/unknown reference list "EEAX"/);
  });

  it('validates severity overrides', () => {
    const errors = errorsOf({
      ...base,
      findingSeverityOverride: [{ when: 'data.recipientType', severity: 'extreme' }],
    });
    expect(errors.map((e) => e.field)).toEqual([
      'findingSeverityOverride[0].severity',
      'findingSeverityOverride[0].when',
    ]);
  });

  it('exposes no host objects: no prototype walking from expressions', () => {
    expect(errorsOf({ ...base, condition: 'event.constructor == "x"' })[0].message).toMatch(/constructor/);
  });

  it('compile() throws a RuleCompileError listing the problems', () => {
    expect(() => language.compile({ ...base, condition: 'nope' })).toThrow(RuleCompileError);
  });

  it('applies configured parameter values over defaults', () => {
    const tuned = withParameters(base, { minAge: 21 });
    expect(language.compile(tuned).paramValues).toEqual({ minAge: 21 });
    expect(() => withParameters(base, { unknown: 1 })).toThrow(/no parameter "unknown"/);
  });
});
