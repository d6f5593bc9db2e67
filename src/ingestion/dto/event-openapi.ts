/**
 * The OpenAPI schemas of the event contract, derived from ../domain/event-contract.ts (the validator compiles
 * the same description): one component per event type (`ConsentGrantedEvent`…) and one per named payload or
 * actor object (`ConsentChangeData`, `Actor`…). JSON Schema keywords that OpenAPI 3.0 lacks are translated
 * (type lists become oneOf, the timestamp keyword becomes format date-time) or said in the description.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import {
  type AnyField,
  type JsonSchema,
  MAX_JSON_BYTES_KEYWORD,
  ObjectField,
  type Properties,
  TIMESTAMP_KEYWORD,
} from '../domain/contract-schema';
import { EVENT_DATA_MAX_BYTES, eventFields } from '../domain/event-contract';
import { EVENT_TYPES, type EventType } from '../domain/event-types';

const COMPONENTS = '#/components/schemas/';

/** "consent.granted" → "ConsentGrantedEvent". */
export function eventComponentName(type: EventType): string {
  return `${type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')}Event`;
}

/** References to every event type's component, for a request body that takes any event. */
export function anyEventSchema(): SchemaObject {
  return {
    oneOf: EVENT_TYPES.map((type) => ({ $ref: `${COMPONENTS}${eventComponentName(type)}` })),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        EVENT_TYPES.map((type) => [type, `${COMPONENTS}${eventComponentName(type)}`]),
      ),
    },
  };
}

/** Every component the event contract contributes, by name. */
export function eventContractComponents(): Record<string, SchemaObject> {
  const components: Record<string, SchemaObject> = {};
  const addObject = (field: ObjectField<Properties, boolean>): void => {
    if (components[field.name] !== undefined) return;
    components[field.name] = objectSchema(field.properties, field.schema, field.doc.description);
    for (const property of Object.values(field.properties)) {
      if (property instanceof ObjectField) addObject(property);
    }
  };
  for (const type of EVENT_TYPES) {
    const fields = eventFields(type);
    for (const field of Object.values(fields)) if (field instanceof ObjectField) addObject(field);
    const schema = objectSchema(fields, { required: requiredOf(fields) });
    const properties = schema.properties as Record<string, SchemaObject>;
    // The validator has already dispatched on `type`: the component admits its own type only.
    properties.type = { type: 'string', enum: [type], example: type };
    if (fields.data instanceof ObjectField) {
      properties.data = {
        allOf: [{ $ref: `${COMPONENTS}${fields.data.name}` }],
        description: `At most ${EVENT_DATA_MAX_BYTES} bytes as JSON.`,
      };
    }
    components[eventComponentName(type)] = schema;
  }
  return components;
}

/** Adds the event contract's components to a generated document (beside the ones Nest derives from DTO classes). */
export function documentEventContract(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, ...eventContractComponents() };
}

function requiredOf(properties: Record<string, AnyField>): string[] {
  return Object.entries(properties)
    .filter(([, field]) => !field.isOptional)
    .map(([name]) => name);
}

function objectSchema(
  properties: Record<string, AnyField>,
  validation: JsonSchema,
  description?: string,
): SchemaObject {
  const required = requiredOf(properties);
  return {
    type: 'object',
    ...(description === undefined ? {} : { description }),
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, field]) => [name, propertySchema(field)]),
    ),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    ...(validation.allOf === undefined ? {} : { allOf: validation.allOf as SchemaObject[] }),
  };
}

function propertySchema(field: AnyField): SchemaObject | ReferenceObject {
  if (field instanceof ObjectField) {
    const ref = { $ref: `${COMPONENTS}${field.name}` };
    return field.doc.description === undefined ? ref : { allOf: [ref], description: field.doc.description };
  }
  const schema = toOpenApi(field.schema);
  const format =
    typeof field.schema.description === 'string' ? `Must be ${field.schema.description}.` : undefined;
  const description = [field.doc.description, format].filter((part) => part !== undefined).join(' ');
  return {
    ...schema,
    ...(description === '' ? {} : { description }),
    ...(field.doc.example === undefined ? {} : { example: field.doc.example }),
  };
}

/** JSON Schema (as the validator reads it) → OpenAPI 3.0 schema object. */
function toOpenApi(schema: JsonSchema): SchemaObject {
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case TIMESTAMP_KEYWORD:
        out.format = 'date-time';
        break;
      case MAX_JSON_BYTES_KEYWORD:
      case 'propertyNames': // keys are constrained in the validator; OpenAPI 3.0 cannot say it
      case 'description': // the validator's wording of the format; propertySchema puts it in a sentence
        break;
      case 'items':
        out.items = toOpenApi(value as JsonSchema);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'object' ? toOpenApi(value as JsonSchema) : value;
        break;
      case 'type':
        if (Array.isArray(value)) {
          // A list of types (scalar map values): one branch per type, string keywords on the string branch.
          const stringKeywords = Object.fromEntries(
            Object.entries(schema).filter(([k]) => ['maxLength', 'minLength', 'pattern'].includes(k)),
          );
          out.oneOf = value.map((type) => (type === 'string' ? { type, ...stringKeywords } : { type }));
        } else {
          out.type = value;
        }
        break;
      case 'maxLength':
      case 'minLength':
      case 'pattern':
        if (!Array.isArray(schema.type)) out[keyword] = value;
        break;
      case 'enum':
        out.type = 'string';
        out.enum = value;
        break;
      default:
        out[keyword] = value;
    }
  }
  return out as SchemaObject;
}
