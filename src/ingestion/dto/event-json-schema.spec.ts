import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MULTI_LINE_TEXT_PATTERN, SINGLE_LINE_TEXT_PATTERN } from '../domain/event-formats';
import { FREE_TEXT_DATA_COLLECTIONS, FREE_TEXT_DATA_FIELDS } from '../domain/event-normaliser';
import { EVENT_TYPES } from '../domain/event-types';
import {
  IsIdentifier,
  IsToken,
  type JsonSchema,
  MaxJsonBytes,
  OptionalField,
  OptionalFor,
} from './event-constraints';
import { eventDtoFor } from './event-dtos';
import { EVENT_EXAMPLES } from './event-examples';
import {
  buildEventSchema,
  buildEventSchemas,
  classJsonSchema,
  UnsupportedConstraintError,
} from './event-json-schema';

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';

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

describe('derived event schemas', () => {
  const schemas = buildEventSchemas();

  it('exist for every type, closed at every level', () => {
    expect(Object.keys(schemas).sort()).toEqual([...EVENT_TYPES].sort());
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

  it('bound every string, array and number', () => {
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

  it('resolve the payload class by type, and the restricted actor of data.accessed', () => {
    const data = (type: (typeof EVENT_TYPES)[number]) =>
      (buildEventSchema(type).properties as Record<string, JsonSchema>).data;
    expect(Object.keys(data('playback.started').properties as object)).toContain('personalised');
    expect(Object.keys(data('playback.stopped').properties as object)).toContain('positionSeconds');
    const actor = (type: (typeof EVENT_TYPES)[number]) =>
      (
        (buildEventSchema(type).properties as Record<string, JsonSchema>).actor.properties as Record<
          string,
          JsonSchema
        >
      ).type.enum;
    expect(actor('data.accessed')).toEqual(['staff', 'service']);
    expect(actor('data.shared')).toEqual(['viewer', 'staff', 'service', 'partner']);
  });

  it('make userId optional only for breach and error events, data only where there is no payload', () => {
    const optional = (field: string) =>
      EVENT_TYPES.filter((type) => !(buildEventSchema(type).required as string[]).includes(field));
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

  it('name the same free-text payload fields as the attack-pattern scan', () => {
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

  it('agree with the Swagger metadata on presence, enums and bounds', () => {
    for (const type of EVENT_TYPES) {
      const schema = buildEventSchema(type);
      const instance = plainToInstance(eventDtoFor(type), EVENT_EXAMPLES[type]) as unknown as Record<
        string,
        object
      >;
      const properties = schema.properties as Record<string, JsonSchema>;
      const pairs: Array<[Function, JsonSchema, boolean]> = [
        [instance.constructor, schema, true],
        [instance.actor.constructor, properties.actor, false],
      ];
      if (instance.data !== undefined && instance.data.constructor !== Object) {
        pairs.push([instance.data.constructor, properties.data, false]);
      }
      for (const [target, classSchema, atRoot] of pairs) {
        for (const [name, property] of Object.entries(classSchema.properties as Record<string, JsonSchema>)) {
          const where = `${type} ${target.name}.${name}`;
          const api = Reflect.getMetadata(SWAGGER_PROPERTY, target.prototype, name) as
            Record<string, unknown> | undefined;
          expect([where, api !== undefined]).toEqual([where, true]);
          const apiRequired = api!.required !== false;
          const required = (classSchema.required as string[]).includes(name);
          // At the envelope Swagger describes a family, the schema one type of it: "required" may differ there.
          if (!atRoot || apiRequired) expect([where, apiRequired]).toEqual([where, required]);
          if (property.enum !== undefined) expect([where, api!.enum]).toEqual([where, property.enum]);
          const items = property.items as JsonSchema | undefined;
          if (items?.enum !== undefined)
            expect([where, (api!.items as JsonSchema).enum]).toEqual([where, items.enum]);
          for (const bound of ['maxLength', 'minimum', 'maximum', 'maxItems', 'minItems'] as const) {
            if (property[bound] !== undefined)
              expect([where, bound, api![bound]]).toEqual([where, bound, property[bound]]);
          }
        }
      }
    }
  });
});

describe('the derivation refuses what it cannot translate exactly', () => {
  class Nested {
    @IsIdentifier()
    id: string;
  }

  class WithIsOptional {
    @IsOptional()
    @IsIdentifier()
    id?: string;
  }

  class WithUnconvertedConstraint {
    @IsString()
    @MaxLength(10)
    name: string;
  }

  class WithArbitraryValidateIf {
    @ValidateIf((o: { other?: unknown }) => o.other !== undefined)
    @IsIdentifier()
    id: string;
  }

  class NestedWithoutIsObject {
    @ValidateNested()
    @Type(() => Nested)
    nested: Nested;
  }

  class NestedWithoutType {
    @IsObject()
    @ValidateNested()
    nested: Nested;
  }

  class EachWithoutIsArray {
    @IsToken({ each: true })
    tokens: string[];
  }

  class Undecided {
    @MaxJsonBytes(64)
    blob: object;
  }

  class NestedWithOptionalFor {
    @OptionalFor(['auth.logout'])
    @IsIdentifier()
    id?: string;
  }

  class OptionalForBelowEnvelope {
    @IsObject()
    @ValidateNested()
    @Type(() => NestedWithOptionalFor)
    nested: NestedWithOptionalFor;
  }

  class ContradictoryTypes {
    @IsInt()
    @IsToken()
    value: number;
  }

  const cases: Array<[string, Function]> = [
    ['@IsOptional (lets null through)', WithIsOptional],
    ['a class-validator constraint without a converter', WithUnconvertedConstraint],
    ['an arbitrary ValidateIf', WithArbitraryValidateIf],
    ['@ValidateNested without @IsObject', NestedWithoutIsObject],
    ['@ValidateNested without @Type', NestedWithoutType],
    ['`each` without @IsArray', EachWithoutIsArray],
    ['a property whose constraints do not reject undefined', Undecided],
    ['OptionalFor below the envelope', OptionalForBelowEnvelope],
    ['contradictory types', ContradictoryTypes],
  ];

  it.each(cases)('%s', (_name, target) => {
    expect(() => classJsonSchema(target, 'auth.logout')).toThrow(UnsupportedConstraintError);
  });

  it('translates the decorators it knows', () => {
    class Known {
      @IsIdentifier()
      id: string;

      @OptionalField()
      @IsArray()
      @IsToken({ each: true })
      tokens?: string[];
    }
    expect(classJsonSchema(Known, 'auth.logout')).toMatchObject({
      type: 'object',
      required: ['id'],
      additionalProperties: false,
      properties: { tokens: { type: 'array', items: { type: 'string', maxLength: 64 } } },
    });
  });
});
