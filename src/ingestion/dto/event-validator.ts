/**
 * The hot-path validator: one ajv function per event type, compiled once from the JSON Schema that the event
 * contract (../domain/event-contract.ts) yields for that type. The contract is the only description of an
 * event; this file adds what a per-property schema cannot say (the dispatch on `type`, the text rule, the
 * clock and the subdivision-in-country check) and turns ajv's errors into the API's field errors.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findUnsafeText } from '../../common/http/text-input';
import { MAX_JSON_BYTES_KEYWORD, TIMESTAMP_KEYWORD } from '../domain/contract-schema';
import { eventJsonSchema } from '../domain/event-contract';
import {
  COUNTRY_CODE_PATTERN,
  isTimestampWithZone,
  jsonByteLength,
  parseTimestampMs,
  SUBDIVISION_PATTERN,
} from '../domain/event-formats';
import type { IngestedEvent } from '../domain/event-payloads';
import { EVENT_TYPES, type EventType, isEventType } from '../domain/event-types';

export interface FieldError {
  /** Dotted path of the offending field, e.g. "data.purpose" or "data.segments.2"; "" for the event itself. */
  field: string;
  message: string;
}

export type ValidationOutcome = { ok: true; event: IngestedEvent } | { ok: false; errors: FieldError[] };

export interface ValidationClock {
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
}

/**
 * What the validator answers when validating an event throws (a validator library choking on some value):
 * that event is rejected like any invalid one, never failing the request and the batch it came in.
 */
export const UNVALIDATABLE: ValidationOutcome = Object.freeze({
  ok: false,
  errors: [{ field: '', message: 'the event is malformed and could not be validated' }],
});

/** How far in the future occurredAt may lie (client clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Step 1: the event must be a JSON object with a known type, which selects the compiled schema.
 */
export function dispatchOnType(plain: unknown): { type: EventType } | { errors: FieldError[] } {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { errors: [{ field: '', message: 'an event must be a JSON object' }] };
  }
  const type = (plain as { type?: unknown }).type;
  if (!isEventType(type)) {
    return { errors: [{ field: 'type', message: 'type must be one of the known event types' }] };
  }
  return { type };
}

/**
 * Step 2: the API's text rule (no NUL, no lone surrogate) over every string and key of
 * the event. PostgreSQL refuses such JSON, so an event carrying one must be refused here, alone, rather than
 * fail the group commit it would join.
 */
export function findUnsafeEventText(plain: object): FieldError[] {
  return findUnsafeText(plain, { indexStyle: 'dots' }).map((finding) => ({
    field: finding.field,
    message: finding.problems[0],
  }));
}

/** Last step: the part of the contract that depends on the clock. */
export function checkClock(plain: object, nowMs: number): FieldError[] {
  const occurredAt = (plain as { occurredAt?: unknown }).occurredAt;
  const occurredAtMs = typeof occurredAt === 'string' ? parseTimestampMs(occurredAt) : NaN;
  // A malformed timestamp (NaN) is the schema's to report.
  if (occurredAtMs > nowMs + MAX_CLOCK_SKEW_MS) {
    return [{ field: 'occurredAt', message: 'occurredAt must not be more than 5 minutes in the future' }];
  }
  return [];
}

/**
 * Last step, beside the clock: a subdivision must lie in the event's country when both
 * are given ("US-CA" with country "FR" is refused). Only well-formed pairs are compared; a malformed one is
 * the schema's to report. A check across two fields, which a per-property constraint cannot state.
 */
export function checkSubdivision(plain: object): FieldError[] {
  const { country, subdivision } = plain as { country?: unknown; subdivision?: unknown };
  if (typeof country !== 'string' || typeof subdivision !== 'string') return [];
  if (!COUNTRY_CODE_PATTERN.test(country) || !SUBDIVISION_PATTERN.test(subdivision)) return [];
  if (subdivision.slice(0, 2).toUpperCase() === country.toUpperCase()) return [];
  return [
    {
      field: 'subdivision',
      message: `subdivision must lie in country ${country.toUpperCase()} (its first two letters must equal country)`,
    },
  ];
}

export class EventValidator {
  private readonly compiled: ReadonlyMap<EventType, ValidateFunction>;
  private readonly now: () => number;

  constructor(clock: ValidationClock = {}) {
    this.now = clock.now ?? Date.now;
    const ajv = new Ajv({
      allErrors: true,
      verbose: true,
      allowUnionTypes: true,
      strict: true,
      // The "exactly one of" conditions name properties declared one level up, which is what this lint flags.
      strictRequired: false,
    });
    // The two constraints a JSON Schema keyword cannot state, as predicates from event-formats.ts.
    ajv.addKeyword({
      keyword: TIMESTAMP_KEYWORD,
      type: 'string',
      schemaType: 'boolean',
      errors: false,
      validate: (_schema: boolean, data: string) => isTimestampWithZone(data),
    });
    ajv.addKeyword({
      keyword: MAX_JSON_BYTES_KEYWORD,
      type: 'object',
      schemaType: 'number',
      errors: false,
      validate: (maxBytes: number, data: object) => jsonByteLength(data) <= maxBytes,
    });
    this.compiled = new Map(EVENT_TYPES.map((type) => [type, ajv.compile(eventJsonSchema(type))]));
  }

  validate(plain: unknown): ValidationOutcome {
    try {
      return this.check(plain);
    } catch {
      return UNVALIDATABLE;
    }
  }

  private check(plain: unknown): ValidationOutcome {
    const dispatched = dispatchOnType(plain);
    if ('errors' in dispatched) return { ok: false, errors: dispatched.errors };
    const unsafeText = findUnsafeEventText(plain as object);
    if (unsafeText.length > 0) return { ok: false, errors: unsafeText };
    const validateType = this.compiled.get(dispatched.type)!;
    const errors = validateType(plain) ? [] : toFieldErrors(validateType.errors ?? []);
    errors.push(...checkSubdivision(plain as object));
    errors.push(...checkClock(plain as object, this.now()));
    return errors.length === 0 ? { ok: true, event: plain as IngestedEvent } : { ok: false, errors };
  }
}

function toFieldErrors(errors: ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const fieldErrors: FieldError[] = [];
  const add = (field: string, message: string) => {
    const key = `${field}\u0000${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      fieldErrors.push({ field, message });
    }
  };
  for (const error of errors) {
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    const at = (name: string) => (path === '' ? name : `${path}.${name}`);
    const name = subjectOf(path);
    if (error.propertyName !== undefined) {
      add(at(error.propertyName), `property name ${error.propertyName} is not allowed`);
      continue;
    }
    switch (error.keyword) {
      case 'required': {
        const missing = (error.params as { missingProperty: string }).missingProperty;
        add(at(missing), `${missing} is required`);
        break;
      }
      case 'additionalProperties': {
        const extra = (error.params as { additionalProperty: string }).additionalProperty;
        add(at(extra), `property ${extra} should not exist`);
        break;
      }
      case 'propertyNames': {
        const key = (error.params as { propertyName: string }).propertyName;
        add(at(key), `property name ${key} is not allowed`);
        break;
      }
      case 'anyOf':
        break; // its branches' `required` errors name the fields
      case 'not': {
        // `not: {required}` also fails on a non-object, which its type error already reports.
        if (typeof error.data !== 'object' || error.data === null || Array.isArray(error.data)) break;
        const both = (error.schema as { required?: string[] }).required ?? [];
        for (const field of both) add(at(field), `${both.join(' and ')} must not both be present`);
        break;
      }
      case 'enum':
        add(path, `${name} must be one of: ${(error.schema as unknown[]).join(', ')}`);
        break;
      case TIMESTAMP_KEYWORD:
        add(path, `${name} must be an RFC 3339 timestamp with zone, a real date, not before 2000`);
        break;
      case MAX_JSON_BYTES_KEYWORD:
        add(path, `${name} must not exceed ${String(error.schema)} bytes as JSON`);
        break;
      case 'type':
        add(path, `${name} must be of type ${([] as unknown[]).concat(error.schema).join(' or ')}`);
        break;
      case 'pattern':
      case 'minLength':
      case 'maxLength': {
        const description = (error.parentSchema as { description?: string } | undefined)?.description;
        add(
          path,
          description === undefined
            ? `${name} ${error.message ?? 'is invalid'}`
            : `${name} must be ${description}`,
        );
        break;
      }
      default:
        add(path, `${name} ${error.message ?? 'is invalid'}`);
    }
  }
  return fieldErrors;
}

/** How a message names the value at a path: its property, with the index for an array item ("segments.2"). */
function subjectOf(path: string): string {
  const segments = path.split('.');
  const last = segments[segments.length - 1];
  if (last === '') return 'event';
  return /^\d+$/.test(last) && segments.length > 1 ? `${segments[segments.length - 2]}.${last}` : last;
}
