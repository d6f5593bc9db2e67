/**
 * Derives JSON Schema from the DTO classes by reading the metadata class-validator and class-transformer
 * keep for them, so that the compiled validator cannot drift from the classes: change a decorator and the
 * schema follows.
 *
 * The derivation fails closed. It reads metadata exactly as class-validator's executor does
 * (getTargetValidationMetadatas, inheritance included) and translates only what it knows to be exactly
 * equivalent; anything else (an unknown constraint, @IsOptional, a ValidateIf it did not create, a
 * nested property without @IsObject, `each` without @IsArray…) throws when the validator is built, which
 * is at start-up and in the unit tests.
 */
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_IN,
  IS_INT,
  IS_OBJECT,
  MAX,
  MIN,
  ValidationTypes,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { EVENT_TYPES, type EventType } from '../domain/event-types';
import {
  customConstraintConverter,
  type JsonSchema,
  presenceOf,
  type SchemaContribution,
} from './event-constraints';
import { eventDtoFor } from './event-dtos';

// class-transformer keeps @Type metadata in a module its index does not re-export.
type TransformerStorageModule = { defaultMetadataStorage: TransformerMetadataStorage };
const { defaultMetadataStorage: transformerMetadata } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('class-transformer/cjs/storage') as TransformerStorageModule;

export class UnsupportedConstraintError extends Error {
  constructor(where: string, what: string) {
    super(`${where}: ${what} cannot be translated to JSON Schema exactly`);
    this.name = 'UnsupportedConstraintError';
  }
}

type Converter = (constraints: readonly unknown[], propertyName: string) => SchemaContribution;

/**
 * class-validator's own constraints that have an exact JSON Schema counterpart. Each fragment states the
 * whole predicate, type included (class-validator's `min` rejects a string, JSON Schema's `minimum` would
 * ignore it).
 */
const BUILT_IN_CONVERTERS: Readonly<Record<string, Converter>> = {
  [IS_IN]: ([values]) => ({ property: { enum: [...(values as unknown[])] } }),
  [IS_INT]: () => ({ property: { type: 'integer' } }),
  [MIN]: ([limit]) => ({ property: { type: 'number', minimum: limit } }),
  [MAX]: ([limit]) => ({ property: { type: 'number', maximum: limit } }),
  [IS_BOOLEAN]: () => ({ property: { type: 'boolean' } }),
  [IS_ARRAY]: () => ({ property: { type: 'array' } }),
  [ARRAY_MIN_SIZE]: ([limit]) => ({ property: { type: 'array', minItems: limit } }),
  [ARRAY_MAX_SIZE]: ([limit]) => ({ property: { type: 'array', maxItems: limit } }),
  [IS_OBJECT]: () => ({ property: { type: 'object' } }),
};

interface SchemaContext {
  eventType: EventType;
  /** The envelope class; only there may a presence rule depend on the event type. */
  atRoot: boolean;
  where: string;
}

/** The schema of one event type: its family DTO with the payload class that type resolves to. */
export function buildEventSchema(eventType: EventType): JsonSchema {
  return { $id: `ott-event/${eventType}`, ...classJsonSchema(eventDtoFor(eventType), eventType) };
}

/** The schema of any class validated as (part of) an event of the given type; throws on what it cannot translate. */
export function classJsonSchema(target: Function, eventType: EventType): JsonSchema {
  return classSchema(target, { eventType, atRoot: true, where: target.name });
}

export function buildEventSchemas(): Record<EventType, JsonSchema> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, buildEventSchema(type)])) as Record<
    EventType,
    JsonSchema
  >;
}

function classSchema(target: Function, context: SchemaContext): JsonSchema {
  const storage = getMetadataStorage();
  // The same call, with the same arguments, that class-validator's ValidationExecutor makes (no groups).
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  if (metadatas.length === 0) {
    throw new UnsupportedConstraintError(context.where, 'a class without validation metadata');
  }
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const conditions = new Map<string, JsonSchema>();
  for (const [propertyName, propertyMetadatas] of Object.entries(storage.groupByPropertyName(metadatas))) {
    const where = `${context.where}.${propertyName}`;
    const property = propertySchema(target, propertyName, propertyMetadatas, { ...context, where });
    properties[propertyName] = property.schema;
    if (property.required) required.push(propertyName);
    for (const condition of property.conditions) conditions.set(JSON.stringify(condition), condition);
  }
  for (const condition of conditions.values())
    assertMentionsOnly(condition, Object.keys(properties), context.where);
  return {
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    ...(conditions.size > 0 ? { allOf: [...conditions.values()] } : {}),
  };
}

interface PropertySchema {
  schema: JsonSchema;
  required: boolean;
  conditions: JsonSchema[];
}

function propertySchema(
  target: Function,
  propertyName: string,
  metadatas: ValidationMetadata[],
  context: SchemaContext,
): PropertySchema {
  const own: JsonSchema[] = [];
  const perItem: JsonSchema[] = [];
  const conditions: JsonSchema[] = [];
  let required = true;
  let presenceSeen = false;
  let nested = false;

  for (const metadata of metadatas) {
    if (metadata.validateIf)
      throw new UnsupportedConstraintError(context.where, 'a per-constraint validateIf');
    switch (metadata.type) {
      case ValidationTypes.IS_DEFINED:
        break;
      case ValidationTypes.CONDITIONAL_VALIDATION: {
        const presence = presenceOf(metadata.constraints[0]);
        if (presence === undefined) {
          throw new UnsupportedConstraintError(
            context.where,
            '@IsOptional/@ValidateIf (use OptionalField, OptionalFor or RequiredUnlessPresent)',
          );
        }
        if (presenceSeen) throw new UnsupportedConstraintError(context.where, 'two presence rules');
        presenceSeen = true;
        if (presence.kind === 'optional') {
          if (presence.forTypes !== undefined && !context.atRoot) {
            throw new UnsupportedConstraintError(context.where, 'OptionalFor below the envelope');
          }
          required = presence.forTypes !== undefined && !presence.forTypes.includes(context.eventType);
        } else {
          required = false;
          conditions.push({
            anyOf: [propertyName, presence.sibling].sort().map((name) => ({ required: [name] })),
          });
        }
        break;
      }
      case ValidationTypes.NESTED_VALIDATION:
        if (metadata.each)
          throw new UnsupportedConstraintError(context.where, 'nested validation of each item');
        nested = true;
        break;
      case ValidationTypes.CUSTOM_VALIDATION: {
        const contribution = convert(metadata, propertyName, context.where);
        if (metadata.each) {
          if (contribution.object)
            throw new UnsupportedConstraintError(context.where, `each with ${metadata.name}`);
          perItem.push(contribution.property);
        } else {
          own.push(contribution.property);
          conditions.push(...(contribution.object ?? []));
        }
        break;
      }
      default:
        throw new UnsupportedConstraintError(context.where, `a ${metadata.type} constraint`);
    }
  }

  let schema = mergeFragments(own, context.where);
  if (perItem.length > 0) {
    // class-validator applies `each` to the value itself when it is not an array; only with @IsArray
    // does that coincide with `items`.
    if (schema.type !== 'array')
      throw new UnsupportedConstraintError(context.where, '`each` without @IsArray');
    schema.items = assertDecisive(mergeFragments(perItem, `${context.where}[]`), `${context.where}[]`);
  }
  if (nested) {
    // @ValidateNested alone accepts an array of valid objects; only with @IsObject is it "an object".
    if (schema.type !== 'object')
      throw new UnsupportedConstraintError(context.where, '@ValidateNested without @IsObject');
    const nestedClass = resolveNestedClass(target, propertyName, context);
    const nestedSchema = classSchema(nestedClass, { ...context, atRoot: false, where: nestedClass.name });
    schema = mergeFragments([schema, nestedSchema], context.where);
  }
  return { schema: assertDecisive(schema, context.where), required, conditions };
}

function convert(metadata: ValidationMetadata, propertyName: string, where: string): SchemaContribution {
  const name = metadata.name;
  const converter =
    name === undefined ? undefined : (BUILT_IN_CONVERTERS[name] ?? customConstraintConverter(name));
  if (converter === undefined)
    throw new UnsupportedConstraintError(where, `constraint ${name ?? '(anonymous)'}`);
  return converter(metadata.constraints ?? [], propertyName);
}

function resolveNestedClass(target: Function, propertyName: string, context: SchemaContext): Function {
  const typeMetadata = transformerMetadata.findTypeMetadata(target, propertyName);
  if (typeMetadata?.typeFunction === undefined) {
    throw new UnsupportedConstraintError(context.where, '@ValidateNested without @Type');
  }
  if (typeMetadata.options?.discriminator !== undefined) {
    throw new UnsupportedConstraintError(context.where, 'a class-transformer discriminator');
  }
  // Resolvers may read the event's type from the plain object being converted, nothing else.
  const object = context.atRoot ? { type: context.eventType } : {};
  return typeMetadata.typeFunction({ object, newObject: {}, property: propertyName });
}

/**
 * All fragments must hold (they are ANDed by class-validator); merging keywords is that AND as long as no
 * keyword is set twice to different values. `integer` and `number` intersect to `integer`.
 */
function mergeFragments(fragments: JsonSchema[], where: string): JsonSchema {
  const merged: JsonSchema = {};
  for (const fragment of fragments) {
    for (const [keyword, value] of Object.entries(fragment)) {
      if (!(keyword in merged)) {
        merged[keyword] = value;
      } else if (keyword === 'type') {
        merged.type = intersectTypes(merged.type, value, where);
      } else if (JSON.stringify(merged[keyword]) !== JSON.stringify(value)) {
        throw new UnsupportedConstraintError(where, `two different values for "${keyword}"`);
      }
    }
  }
  return merged;
}

function intersectTypes(a: unknown, b: unknown, where: string): unknown {
  if (a === b) return a;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'integer';
  throw new UnsupportedConstraintError(where, `contradictory types ${String(a)} and ${String(b)}`);
}

/**
 * A property schema must reject `undefined` the way its class-validator constraints do, so it needs a type or
 * an enum: a property whose only constraint is, say, maxJsonBytes would be required in JSON Schema but not
 * in class-validator.
 */
function assertDecisive(schema: JsonSchema, where: string): JsonSchema {
  if (schema.type === undefined && schema.enum === undefined) {
    throw new UnsupportedConstraintError(where, 'a property without a type-deciding constraint');
  }
  return schema;
}

function assertMentionsOnly(condition: JsonSchema, propertyNames: string[], where: string): void {
  const mentioned = JSON.stringify(condition).match(/"required":\[[^\]]*\]/g) ?? [];
  for (const list of mentioned) {
    for (const name of JSON.parse(list.slice('"required":'.length)) as string[]) {
      if (!propertyNames.includes(name))
        throw new UnsupportedConstraintError(where, `a condition on unknown ${name}`);
    }
  }
}
