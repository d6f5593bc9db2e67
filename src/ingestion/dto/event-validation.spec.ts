import { ValidationError } from 'class-validator';
import { EVENT_EXAMPLES } from './event-examples';
import {
  checkClock,
  dispatchOnType,
  findUntransformableKeys,
  flattenValidationErrors,
  MAX_CLOCK_SKEW_MS,
} from './event-validation';

describe('dispatchOnType', () => {
  it('returns the type of an object with a contract type', () => {
    expect(dispatchOnType(EVENT_EXAMPLES['dsr.opened'])).toEqual({ type: 'dsr.opened' });
  });

  it.each([null, 'event', 42, [], [EVENT_EXAMPLES['dsr.opened']]])('refuses %j as a whole', (plain) => {
    expect(dispatchOnType(plain)).toEqual({
      errors: [{ field: '', message: 'an event must be a JSON object' }],
    });
  });

  it.each([{}, { type: 'dsr.Opened' }, { type: 'hasOwnProperty' }, { type: ['dsr.opened'] }])(
    'refuses %j on its type',
    (plain) => {
      expect(dispatchOnType(plain)).toEqual({
        errors: [{ field: 'type', message: 'type must be one of the known event types' }],
      });
    },
  );
});

describe('checkClock', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('allows up to five minutes of client clock drift', () => {
    expect(checkClock({ occurredAt: new Date(now + MAX_CLOCK_SKEW_MS).toISOString() }, now)).toEqual([]);
    expect(checkClock({ occurredAt: '2026-03-01T13:05:00+01:00' }, now)).toEqual([]);
    expect(checkClock({ occurredAt: '2026-03-01T13:05:01+01:00' }, now)).toEqual([
      { field: 'occurredAt', message: 'occurredAt must not be more than 5 minutes in the future' },
    ]);
  });

  it('leaves malformed timestamps to the schema', () => {
    expect(checkClock({ occurredAt: 'tomorrow' }, now)).toEqual([]);
    expect(checkClock({}, now)).toEqual([]);
  });
});

describe('findUntransformableKeys', () => {
  it('finds nothing in a regular event', () => {
    expect(findUntransformableKeys(EVENT_EXAMPLES['tracking.fired'])).toEqual([]);
  });

  it('reports Object.prototype member names at any level, as own keys from JSON', () => {
    const event = JSON.parse(
      '{"__proto__":{},"data":{"params":{"toString":"x"},"list":[{"constructor":1}]}}',
    ) as object;
    expect(
      findUntransformableKeys(event)
        .map((error) => error.field)
        .sort(),
    ).toEqual(['__proto__', 'data.list.0.constructor', 'data.params.toString']);
  });

  it('stops at six levels instead of recursing through whatever it is sent', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const errors = findUntransformableKeys({ data: { params: { a: deep } } });
    expect(errors).toEqual([
      { field: 'data.params.a.0.0.0.0', message: 'data.params.a.0.0.0.0 is nested too deeply' },
    ]);
  });
});

describe('flattenValidationErrors', () => {
  function error(
    property: string,
    constraints: Record<string, string>,
    children: ValidationError[] = [],
  ): ValidationError {
    return Object.assign(new ValidationError(), { property, constraints, children });
  }

  it('joins nested properties with dots, one entry per failed constraint', () => {
    const tree = [
      error('data', {}, [
        error('purpose', { isIn: 'purpose must be one of…' }),
        error('basis', { isIn: 'a', isDefined: 'b' }),
      ]),
      error('ip', { isText: 'ip must be…' }),
    ];
    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'data.purpose', message: 'purpose must be one of…' },
      { field: 'data.basis', message: 'a' },
      { field: 'data.basis', message: 'b' },
      { field: 'ip', message: 'ip must be…' },
    ]);
  });

  it('does not descend below a value that is not an object', () => {
    const tree = [
      error('data', { isObject: 'data must be an object' }, [
        error('0', {}, [error('purpose', { isIn: 'x' })]),
      ]),
    ];
    expect(flattenValidationErrors(tree)).toEqual([{ field: 'data', message: 'data must be an object' }]);
  });
});
