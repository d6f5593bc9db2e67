/**
 * Building blocks of the event contract (event-contract.ts). Each builder returns a Field that carries three
 * things at once, so that one declaration yields all of them:
 *   - `schema`: the JSON Schema fragment the compiled validator checks (ajv, in ../dto/event-validator.ts);
 *   - `doc`: the description and example the OpenAPI document shows (../dto/event-openapi.ts);
 *   - a phantom TypeScript type, read with TypeOf<F>, from which event-payloads.ts derives the payload types.
 * Plain TypeScript with no framework import: the domain and the rules read the derived types.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** What the OpenAPI document adds to a field; never part of the validation schema. */
export interface FieldDoc {
  description?: string;
  example?: unknown;
}

/**
 * Keywords the compiled validator registers for the two predicates a JSON Schema keyword cannot state: the
 * calendar part of a timestamp and the serialised size of `data`.
 */
export const TIMESTAMP_KEYWORD = 'timestampWithZone';
export const MAX_JSON_BYTES_KEYWORD = 'maxJsonBytes';

export class Field<T, Optional extends boolean = false> {
  /** Phantom: the TypeScript type of a value this field accepts. Never set at run time. */
  declare readonly type: T;

  constructor(
    readonly schema: JsonSchema,
    readonly doc: FieldDoc = {},
    readonly isOptional: Optional = false as Optional,
  ) {}

  /** May be absent; when present it is validated (null is never "absent" in this contract). */
  optional(): Field<T, true> {
    return new Field<T, true>(this.schema, this.doc, true);
  }

  describe(description: string, example?: T): this {
    return this.with({ description, ...(example === undefined ? {} : { example }) });
  }

  example(example: T): this {
    return this.with({ example });
  }

  protected with(doc: FieldDoc): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this, { doc: { ...this.doc, ...doc } });
    return copy;
  }
}

export type AnyField = Field<unknown, boolean>;
export type Properties = Record<string, AnyField>;
export type TypeOf<F> = F extends Field<infer T, boolean> ? T : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<P extends Properties> = {
  [K in keyof P]: P[K] extends Field<unknown, true> ? never : K;
}[keyof P];
type OptionalKeys<P extends Properties> = {
  [K in keyof P]: P[K] extends Field<unknown, true> ? K : never;
}[keyof P];
/** The object type a set of properties describes: optional fields become optional properties. */
export type ShapeOf<P extends Properties> = Simplify<
  { [K in RequiredKeys<P>]: TypeOf<P[K]> } & { [K in OptionalKeys<P>]?: TypeOf<P[K]> }
>;

/** A named object: the name is its OpenAPI component. */
export class ObjectField<P extends Properties, Optional extends boolean = false> extends Field<
  ShapeOf<P>,
  Optional
> {
  constructor(
    readonly name: string,
    readonly properties: P,
    schema: JsonSchema,
    doc: FieldDoc = {},
    isOptional: Optional = false as Optional,
  ) {
    super(schema, doc, isOptional);
  }

  override optional(): ObjectField<P, true> {
    return new ObjectField<P, true>(this.name, this.properties, this.schema, this.doc, true);
  }
}

export interface ObjectOptions<P extends Properties> {
  /** Two properties of which exactly one is present (both are declared optional). */
  exactlyOneOf?: readonly [keyof P & string, keyof P & string];
  description?: string;
}

/** A closed object: unknown properties are refused, optional ones may be absent. */
export function object<P extends Properties>(name: string, properties: P, options: ObjectOptions<P> = {}) {
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(Object.entries(properties).map(([key, field]) => [key, field.schema])),
    required: Object.entries(properties)
      .filter(([, field]) => !field.isOptional)
      .map(([key]) => key),
    additionalProperties: false,
  };
  const pair = options.exactlyOneOf;
  if (pair !== undefined) {
    if (pair.some((key) => !properties[key]?.isOptional))
      throw new Error(`${name}: both of ${pair.join(', ')} must be declared optional`);
    schema.allOf = [
      { not: { required: [...pair].sort() } },
      { anyOf: [...pair].sort().map((key) => ({ required: [key] })) },
    ];
  }
  return new ObjectField(
    name,
    properties,
    schema,
    options.description ? { description: options.description } : {},
  );
}

/** One of a closed list of strings. */
export function enumOf<const V extends readonly string[]>(values: V): Field<V[number]> {
  return new Field({ enum: [...values] });
}

export function boolean(): Field<boolean> {
  return new Field({ type: 'boolean' });
}

export function integer(minimum: number, maximum: number): Field<number> {
  return new Field({ type: 'integer', minimum, maximum });
}

export function arrayOf<T>(item: Field<T>, bounds: { minItems?: number; maxItems: number }): Field<T[]> {
  return new Field({
    type: 'array',
    ...(bounds.minItems === undefined ? {} : { minItems: bounds.minItems }),
    maxItems: bounds.maxItems,
    items: item.schema,
  });
}

export interface TextFormat {
  maxLength: number;
  minLength?: number;
  /** Must carry exactly the `u` flag, as JSON Schema patterns are Unicode-aware. */
  pattern: RegExp;
  /** How the format reads in an error message, e.g. "an ISO 3166-1 alpha-2 country code". */
  describedAs: string;
}

/** "an IPv4 or IPv6 address of 1 to 45 characters" */
export function describeText({ maxLength, minLength = 1, describedAs }: TextFormat): string {
  return `${describedAs} of ${minLength === maxLength ? '' : `${minLength} to `}${maxLength} characters`;
}

/**
 * A bounded string matching a pattern; lengths count code points, as JSON Schema's do. The schema's
 * `description` is what the validator's error message says the value must be.
 */
export function text(format: TextFormat): Field<string> {
  if (format.pattern.flags !== 'u') {
    throw new Error(`pattern ${format.pattern} must carry exactly the "u" flag, as JSON Schema patterns do`);
  }
  return new Field({
    type: 'string',
    minLength: format.minLength ?? 1,
    maxLength: format.maxLength,
    pattern: format.pattern.source,
    description: describeText(format),
  });
}

/** RFC 3339 with zone and a real calendar date: the pattern plus the registered TIMESTAMP_KEYWORD. */
export function timestamp(pattern: RegExp, maxLength: number): Field<string> {
  return new Field({ type: 'string', maxLength, pattern: pattern.source, [TIMESTAMP_KEYWORD]: true });
}

/** `{}` and nothing else: the payload of event types that carry none. */
export function emptyObject(): Field<Record<string, never>> {
  return new Field({ type: 'object', maxProperties: 0 });
}

/**
 * Keys that name Object.prototype members: refused in free-form maps, so that no consumer that copies a map
 * into a plain object can be tricked into shadowing a prototype member.
 */
export const RESERVED_OBJECT_KEYS: readonly string[] = Object.getOwnPropertyNames(Object.prototype);

export type ScalarValue = string | number | boolean;

/** A flat object of scalar values with bounded, well-formed keys. */
export function scalarMap(bounds: {
  maxEntries: number;
  keyPattern: RegExp;
  keyMaxLength: number;
  valuePattern: RegExp;
  valueMaxLength: number;
}): Field<Record<string, ScalarValue>> {
  return new Field({
    type: 'object',
    maxProperties: bounds.maxEntries,
    propertyNames: {
      minLength: 1,
      maxLength: bounds.keyMaxLength,
      pattern: bounds.keyPattern.source,
      not: { enum: RESERVED_OBJECT_KEYS },
    },
    additionalProperties: {
      type: ['string', 'number', 'boolean'],
      maxLength: bounds.valueMaxLength,
      pattern: bounds.valuePattern.source,
    },
  });
}

/** The value serialised as UTF-8 JSON is at most `maxBytes` long (with the registered MAX_JSON_BYTES_KEYWORD). */
export function withMaxJsonBytes(schema: JsonSchema, maxBytes: number): JsonSchema {
  return { ...schema, [MAX_JSON_BYTES_KEYWORD]: maxBytes };
}
