/**
 * The project's own class-validator decorators. Each one carries, next to its predicate, the JSON-schema
 * fragment that says the same thing, so that event-json-schema.ts can derive the compiled validator from the
 * DTO classes without guessing. Predicates and fragments are written to be exactly equivalent (same regex
 * source, same notion of length); the equivalence spec checks it.
 */
import {
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import {
  codePointLength,
  COUNTRY_CODE_PATTERN,
  IDENTIFIER_MAX_LENGTH,
  IDENTIFIER_PATTERN,
  IP_ADDRESS_MAX_LENGTH,
  IP_ADDRESS_PATTERN,
  isTimestampWithZone,
  jsonByteLength,
  JURISDICTION_MAX_LENGTH,
  JURISDICTION_PATTERN,
  SUBDIVISION_MAX_LENGTH,
  SUBDIVISION_PATTERN,
  LABEL_MAX_LENGTH,
  LABEL_PATTERN,
  MULTI_LINE_TEXT_PATTERN,
  SINGLE_LINE_TEXT_PATTERN,
  TIMESTAMP_MAX_LENGTH,
  TIMESTAMP_PATTERN,
  TOKEN_MAX_LENGTH,
  TOKEN_PATTERN,
  UUID_LENGTH,
  UUID_PATTERN,
} from '../domain/event-formats';

export type JsonSchema = { [keyword: string]: unknown };

/** What one constraint adds to the schema: keywords on the property, and conditions on the object holding it. */
export interface SchemaContribution {
  property: JsonSchema;
  object?: JsonSchema[];
}

type SchemaConverter = (constraints: readonly unknown[], propertyName: string) => SchemaContribution;

/** Converters of the project's constraints, by constraint name (the key class-validator reports errors under). */
const CONVERTERS = new Map<string, SchemaConverter>();

export function customConstraintConverter(name: string): SchemaConverter | undefined {
  return CONVERTERS.get(name);
}

/**
 * Keys that name Object.prototype members. class-transformer silently skips them when it builds the DTO
 * instance, so class-validator would never see (or forbid) them; event-validation.ts rejects them up front
 * and free-form maps exclude them here.
 */
export const RESERVED_OBJECT_KEYS: readonly string[] = Object.getOwnPropertyNames(Object.prototype);
const RESERVED_KEY_SET: ReadonlySet<string> = new Set(RESERVED_OBJECT_KEYS);

interface ConstraintDefinition<C> {
  name: string;
  validate(value: unknown, constraint: C, args: ValidationArguments): boolean;
  message(constraint: C, args: ValidationArguments): string;
  schema(constraint: C, propertyName: string): SchemaContribution;
}

function defineConstraint<C>(definition: ConstraintDefinition<C>) {
  CONVERTERS.set(definition.name, (constraints, propertyName) =>
    definition.schema(constraints[0] as C, propertyName),
  );
  return (constraint: C, options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) => {
      registerDecorator({
        name: definition.name,
        target: target.constructor,
        propertyName: propertyName as string,
        constraints: [constraint],
        options,
        validator: {
          validate: (value: unknown, args: ValidationArguments) =>
            definition.validate(value, constraint, args),
          defaultMessage: (args: ValidationArguments) => definition.message(constraint, args),
        },
      });
    };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertUnicodePattern(pattern: RegExp): RegExp {
  if (pattern.flags !== 'u') {
    throw new Error(`pattern ${pattern} must carry exactly the "u" flag, as JSON Schema patterns do`);
  }
  return pattern;
}

// ---------------------------------------------------------------------------------------------------------
// Strings

export interface TextConstraint {
  maxLength: number;
  minLength?: number;
  pattern: RegExp;
  /** How the format reads in an error message, e.g. "an ISO 3166-1 alpha-2 country code". */
  describedAs: string;
}

const isTextConstraint = defineConstraint<TextConstraint>({
  name: 'isText',
  validate: (value, { maxLength, minLength = 1, pattern }) => {
    if (typeof value !== 'string') return false;
    // The length in code points is between length/2 and length; count only when that range straddles a bound.
    if (value.length > maxLength * 2 || value.length < minLength) return false;
    if (value.length > maxLength || value.length / 2 < minLength) {
      const length = codePointLength(value);
      if (length > maxLength || length < minLength) return false;
    }
    return pattern.test(value);
  },
  message: (constraint, args) => `${args.property} must be ${describeText(constraint)}`,
  schema: (constraint) => ({
    property: {
      type: 'string',
      minLength: constraint.minLength ?? 1,
      maxLength: constraint.maxLength,
      pattern: constraint.pattern.source,
      // An annotation, not a constraint: the compiled validator's error messages read it.
      description: describeText(constraint),
    },
  }),
});

/** "an IPv4 or IPv6 address of 1 to 45 characters" */
export function describeText({ maxLength, minLength = 1, describedAs }: TextConstraint): string {
  return `${describedAs} of ${minLength === maxLength ? '' : `${minLength} to `}${maxLength} characters`;
}

/** A bounded string matching `pattern` (which must have exactly the `u` flag). Lengths count code points. */
export function IsText(constraint: TextConstraint, options?: ValidationOptions): PropertyDecorator {
  assertUnicodePattern(constraint.pattern);
  return isTextConstraint(constraint, options);
}

export const IsIdentifier = (options?: ValidationOptions) =>
  IsText(
    {
      maxLength: IDENTIFIER_MAX_LENGTH,
      pattern: IDENTIFIER_PATTERN,
      describedAs: 'an identifier ([A-Za-z0-9._:-])',
    },
    options,
  );

export const IsToken = (options?: ValidationOptions) =>
  IsText({ maxLength: TOKEN_MAX_LENGTH, pattern: TOKEN_PATTERN, describedAs: 'a snake_case token' }, options);

export const IsLabel = (options?: ValidationOptions) =>
  IsText({ maxLength: LABEL_MAX_LENGTH, pattern: LABEL_PATTERN, describedAs: 'a short label' }, options);

export const IsFreeText = (
  maxLength: number,
  lines: 'single' | 'multi' = 'single',
  options?: ValidationOptions,
) =>
  IsText(
    {
      maxLength,
      pattern: lines === 'single' ? SINGLE_LINE_TEXT_PATTERN : MULTI_LINE_TEXT_PATTERN,
      describedAs:
        lines === 'single'
          ? 'text without control characters'
          : 'text without control characters but tab and line breaks',
    },
    options,
  );

export const IsUuid = (options?: ValidationOptions) =>
  IsText(
    { minLength: UUID_LENGTH, maxLength: UUID_LENGTH, pattern: UUID_PATTERN, describedAs: 'a UUID' },
    options,
  );

export const IsCountryCode = (options?: ValidationOptions) =>
  IsText(
    {
      minLength: 2,
      maxLength: 2,
      pattern: COUNTRY_CODE_PATTERN,
      describedAs: 'an ISO 3166-1 alpha-2 country code',
    },
    options,
  );

export const IsSubdivisionCode = (options?: ValidationOptions) =>
  IsText(
    {
      minLength: 4,
      maxLength: SUBDIVISION_MAX_LENGTH,
      pattern: SUBDIVISION_PATTERN,
      describedAs: 'an ISO 3166-2 subdivision code such as US-CA',
    },
    options,
  );

export const IsIpAddress = (options?: ValidationOptions) =>
  IsText(
    { maxLength: IP_ADDRESS_MAX_LENGTH, pattern: IP_ADDRESS_PATTERN, describedAs: 'an IPv4 or IPv6 address' },
    options,
  );

export const IsJurisdiction = (options?: ValidationOptions) =>
  IsText(
    {
      maxLength: JURISDICTION_MAX_LENGTH,
      pattern: JURISDICTION_PATTERN,
      describedAs: 'a jurisdiction (EEA, EU, a country code or a subdivision like US-CA)',
    },
    options,
  );

// ---------------------------------------------------------------------------------------------------------
// Timestamps

/** Keyword the compiled validator registers for the part of isTimestamp a pattern cannot say (calendar, range). */
export const TIMESTAMP_KEYWORD = 'timestampWithZone';

const isTimestampConstraint = defineConstraint<true>({
  name: 'isTimestamp',
  validate: (value) => isTimestampWithZone(value),
  message: (_c, args) =>
    `${args.property} must be an RFC 3339 timestamp with zone (e.g. 2026-03-01T10:15:00Z), a real date, not before 2000`,
  schema: () => ({
    property: {
      type: 'string',
      maxLength: TIMESTAMP_MAX_LENGTH,
      pattern: TIMESTAMP_PATTERN.source,
      [TIMESTAMP_KEYWORD]: true,
    },
  }),
});

export const IsTimestamp = (options?: ValidationOptions) => isTimestampConstraint(true, options);

// ---------------------------------------------------------------------------------------------------------
// Objects

export const MAX_JSON_BYTES_KEYWORD = 'maxJsonBytes';

/** The value serialised as UTF-8 JSON is at most `maxBytes` long. */
export const MaxJsonBytes = defineConstraint<number>({
  name: 'maxJsonBytes',
  validate: (value, maxBytes) => !isJsonObject(value) || jsonByteLength(value) <= maxBytes,
  message: (maxBytes, args) => `${args.property} must not exceed ${maxBytes} bytes as JSON`,
  schema: (maxBytes) => ({ property: { [MAX_JSON_BYTES_KEYWORD]: maxBytes } }),
});

const isEmptyObjectConstraint = defineConstraint<true>({
  name: 'isEmptyObject',
  validate: (value) => isJsonObject(value) && Object.keys(value).length === 0,
  message: (_c, args) => `${args.property} must be an empty object`,
  schema: () => ({ property: { type: 'object', maxProperties: 0 } }),
});

/** `{}` and nothing else: the payload of event types that carry none. */
export const IsEmptyObject = (options?: ValidationOptions) => isEmptyObjectConstraint(true, options);

export interface ScalarMapConstraint {
  maxEntries: number;
  keyPattern: RegExp;
  keyMaxLength: number;
  valueMaxLength: number;
}

const isScalarMapConstraint = defineConstraint<ScalarMapConstraint>({
  name: 'isScalarMap',
  validate: (value, { maxEntries, keyPattern, keyMaxLength, valueMaxLength }) => {
    if (!isJsonObject(value)) return false;
    const keys = Object.keys(value);
    if (keys.length > maxEntries) return false;
    return keys.every((key) => {
      const keyLength = codePointLength(key);
      if (keyLength < 1 || keyLength > keyMaxLength || !keyPattern.test(key) || RESERVED_KEY_SET.has(key)) {
        return false;
      }
      const entry = value[key];
      if (typeof entry === 'boolean') return true;
      if (typeof entry === 'number') return Number.isFinite(entry);
      return (
        typeof entry === 'string' &&
        codePointLength(entry) <= valueMaxLength &&
        SINGLE_LINE_TEXT_PATTERN.test(entry)
      );
    });
  },
  message: ({ maxEntries, keyMaxLength, valueMaxLength }, args) =>
    `${args.property} must be an object of at most ${maxEntries} entries, keys of at most ${keyMaxLength} characters ` +
    `and string (at most ${valueMaxLength} characters, no control characters), number or boolean values`,
  schema: ({ maxEntries, keyPattern, keyMaxLength, valueMaxLength }) => ({
    property: {
      type: 'object',
      maxProperties: maxEntries,
      propertyNames: {
        minLength: 1,
        maxLength: keyMaxLength,
        pattern: keyPattern.source,
        not: { enum: RESERVED_OBJECT_KEYS },
      },
      additionalProperties: {
        type: ['string', 'number', 'boolean'],
        maxLength: valueMaxLength,
        pattern: SINGLE_LINE_TEXT_PATTERN.source,
      },
    },
  }),
});

/** A flat object of scalar values with bounded, well-formed keys (tracking pixel parameters). */
export function IsScalarMap(constraint: ScalarMapConstraint, options?: ValidationOptions): PropertyDecorator {
  assertUnicodePattern(constraint.keyPattern);
  return isScalarMapConstraint(constraint, options);
}

/** This property and `sibling` are not both present. Use with RequiredUnlessPresent for "exactly one of". */
export const MutuallyExclusiveWith = defineConstraint<string>({
  name: 'mutuallyExclusiveWith',
  validate: (value, sibling, args) =>
    value === undefined || (args.object as Record<string, unknown>)[sibling] === undefined,
  message: (sibling, args) => `${args.property} and ${sibling} must not both be present`,
  schema: (sibling, propertyName) => ({
    property: {},
    object: [{ not: { required: [propertyName, sibling].sort() } }],
  }),
});

// ---------------------------------------------------------------------------------------------------------
// Presence. class-validator's @IsOptional also lets null through; the contract never accepts null, so
// optionality is expressed with ValidateIf conditions that this module can recognise.

export type Presence =
  { kind: 'optional'; forTypes?: readonly string[] } | { kind: 'requiredUnlessPresent'; sibling: string };

const PRESENCE_BY_CONDITION = new WeakMap<object, Presence>();

/** The presence rule a ValidateIf condition was created for, if it came from this module. */
export function presenceOf(condition: unknown): Presence | undefined {
  return typeof condition === 'function' ? PRESENCE_BY_CONDITION.get(condition) : undefined;
}

function presenceCondition(
  presence: Presence,
  condition: (object: Record<string, unknown>, value: unknown) => boolean,
): PropertyDecorator {
  PRESENCE_BY_CONDITION.set(condition, presence);
  return ValidateIf(condition);
}

/** May be absent; when present it is validated (null is not "absent"). */
export const OptionalField = (): PropertyDecorator =>
  presenceCondition({ kind: 'optional' }, (_object, value) => value !== undefined);

/** Envelope properties only: may be absent in events of the given types, required in all others. */
export const OptionalFor = (types: readonly string[]): PropertyDecorator =>
  presenceCondition(
    { kind: 'optional', forTypes: types },
    (object, value) => value !== undefined || !types.includes(object.type as string),
  );

/** Required when `sibling` is absent; with MutuallyExclusiveWith on both, exactly one of the two is present. */
export const RequiredUnlessPresent = (sibling: string): PropertyDecorator =>
  presenceCondition(
    { kind: 'requiredUnlessPresent', sibling },
    (object, value) => value !== undefined || object[sibling] === undefined,
  );
