import { EVENT_TYPES } from '../domain/event-types';
import { EVENT_EXAMPLES } from './event-examples';
import { EventValidator } from './event-validator';

describe('EVENT_EXAMPLES', () => {
  const compiled = new EventValidator();

  it('has one example per type, of that type, with its own event id', () => {
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(EVENT_EXAMPLES[type].type).toBe(type);
    expect(new Set(Object.values(EVENT_EXAMPLES).map((example) => example.eventId)).size).toBe(
      EVENT_TYPES.length,
    );
  });

  it.each(EVENT_TYPES)('%s passes the validator', (type) => {
    expect(compiled.validate(EVENT_EXAMPLES[type])).toEqual({ ok: true, event: EVENT_EXAMPLES[type] });
  });
});
