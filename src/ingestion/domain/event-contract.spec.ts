import type { JsonSchema } from './contract-schema';
import { object, integer, text } from './contract-schema';
import { eventJsonSchema } from './event-contract';
import { MULTI_LINE_TEXT_PATTERN, SINGLE_LINE_TEXT_PATTERN } from './event-formats';
import { FREE_TEXT_DATA_COLLECTIONS, FREE_TEXT_DATA_FIELDS } from './event-normaliser';
import { EVENT_TYPES, type EventType } from './event-types';

/** Every sub-schema, with its path. */
function walk(schema: JsonSchema, path = ''): Array<[string, JsonSchema]> {
  const found: Array<[string, JsonSchema]> = [[path, schema]];
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    found.push(...walk(sub, `${path}.${name}`));
  }
  for (const keyword of ['items', 'additionalProperties', 'propertyNames'] as const) {
    const sub = schema[keyword];
    if (typeof sub === 'object' && sub !== null) found.push(...walk(sub as JsonSchema, `${path}.${keyword}`));
  }
  return found;
}

describe('the event contract as JSON Schema', () => {
  const schemas = Object.fromEntries(EVENT_TYPES.map((type) => [type, eventJsonSchema(type)]));

  it('is closed at every level', () => {
    for (const [type, schema] of Object.entries(schemas)) {
      for (const [path, sub] of walk(schema)) {
        if (sub.type === 'object') {
          expect([
            type,
            path,
            sub.additionalProperties === false || typeof sub.maxProperties === 'number',
          ]).toEqual([type, path, true]);
        }
      }
    }
  });

  it('bounds every string, array and number', () => {
    for (const [type, schema] of Object.entries(schemas)) {
      for (const [path, sub] of walk(schema)) {
        const types = ([] as unknown[]).concat(sub.type ?? []);
        const where = `${type} ${path}`;
        if (sub.enum !== undefined) continue;
        if (types.includes('string')) expect([where, typeof sub.maxLength]).toEqual([where, 'number']);
        if (types.includes('array')) expect([where, typeof sub.maxItems]).toEqual([where, 'number']);
        if (types.includes('integer')) {
          expect([where, typeof sub.minimum, typeof sub.maximum]).toEqual([where, 'number', 'number']);
        }
      }
    }
  });

  it('gives each type its payload, and data.accessed its restricted actor', () => {
    const property = (type: EventType, name: string) =>
      (eventJsonSchema(type).properties as Record<string, JsonSchema>)[name];
    expect(Object.keys(property('playback.started', 'data').properties as object)).toContain('personalised');
    expect(Object.keys(property('playback.stopped', 'data').properties as object)).toContain(
      'positionSeconds',
    );
    const actorTypes = (type: EventType) =>
      ((property(type, 'actor').properties as Record<string, JsonSchema>).type as JsonSchema).enum;
    expect(actorTypes('data.accessed')).toEqual(['staff', 'service']);
    expect(actorTypes('data.shared')).toEqual(['viewer', 'staff', 'service', 'partner']);
  });

  it('makes userId optional only for breach and error events, data only where there is no payload', () => {
    const optional = (field: string) =>
      EVENT_TYPES.filter((type) => !(eventJsonSchema(type).required as string[]).includes(field));
    expect(optional('userId')).toEqual([
      'security.breach.confirmed',
      'breach.authority_notified',
      'api.error',
      'client.error',
    ]);
    expect(optional('data')).toEqual([
      'auth.login.succeeded',
      'auth.login.failed',
      'auth.logout',
      'auth.password_reset',
      'account.closed',
    ]);
  });

  it('bounds every payload object to 8 KB of JSON', () => {
    for (const type of EVENT_TYPES) {
      const data = (eventJsonSchema(type).properties as Record<string, JsonSchema>).data;
      if (data.maxProperties === 0) continue; // {} or nothing
      expect([type, data.maxJsonBytes]).toEqual([type, 8192]);
    }
  });

  it('names the same free-text payload fields as the attack-pattern scan', () => {
    const freeText = new Set([SINGLE_LINE_TEXT_PATTERN.source, MULTI_LINE_TEXT_PATTERN.source]);
    const fields = new Set<string>();
    for (const schema of Object.values(schemas)) {
      for (const [path, sub] of walk(schema)) {
        const match = /^\.data\.([^.]+)/.exec(path);
        if (match !== null && freeText.has(sub.pattern as string)) fields.add(match[1]);
      }
    }
    expect([...fields].sort()).toEqual([...FREE_TEXT_DATA_FIELDS, ...FREE_TEXT_DATA_COLLECTIONS].sort());
  });
});

describe('contract building blocks', () => {
  it('state "exactly one of" as not-both and at-least-one', () => {
    const field = object(
      'Pair',
      { a: integer(0, 1).optional(), b: integer(0, 1).optional() },
      { exactlyOneOf: ['a', 'b'] },
    );
    expect(field.schema).toEqual({
      type: 'object',
      properties: {
        a: { type: 'integer', minimum: 0, maximum: 1 },
        b: { type: 'integer', minimum: 0, maximum: 1 },
      },
      required: [],
      additionalProperties: false,
      allOf: [{ not: { required: ['a', 'b'] } }, { anyOf: [{ required: ['a'] }, { required: ['b'] }] }],
    });
    expect(() =>
      object('Bad', { a: integer(0, 1), b: integer(0, 1).optional() }, { exactlyOneOf: ['a', 'b'] }),
    ).toThrow(/must be declared optional/);
  });

  it('refuse a pattern without exactly the u flag, since JSON Schema patterns are Unicode', () => {
    expect(() => text({ maxLength: 3, pattern: /^a$/, describedAs: 'x' })).toThrow(/"u" flag/);
    expect(() => text({ maxLength: 3, pattern: /^a$/iu, describedAs: 'x' })).toThrow(/"u" flag/);
  });

  it('keep documentation out of the validation schema', () => {
    const field = integer(0, 9).optional().describe('A digit.', 7);
    expect(field.schema).toEqual({ type: 'integer', minimum: 0, maximum: 9 });
    expect(field.doc).toEqual({ description: 'A digit.', example: 7 });
    expect(field.isOptional).toBe(true);
  });
});
