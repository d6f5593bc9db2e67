/**
 * Validation of an incoming event with class-validator, the contract's source of truth, and the checks both
 * validators share: the dispatch on `type` before, the clock check after.
 */
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { findUnsafeText } from '../../common/http/text-input';
import { COUNTRY_CODE_PATTERN, parseTimestampMs, SUBDIVISION_PATTERN } from '../domain/event-formats';
import type { IngestedEvent } from '../domain/event-payloads';
import { type EventType, isEventType } from '../domain/event-types';
import { RESERVED_OBJECT_KEYS } from './event-constraints';
import { eventDtoFor } from './event-dtos';

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
 * What both validators answer when validating an event throws (a validator library choking on some value):
 * that event is rejected like any invalid one, never failing the request and the batch it came in.
 */
export const UNVALIDATABLE: ValidationOutcome = Object.freeze({
  ok: false,
  errors: [{ field: '', message: 'the event is malformed and could not be validated' }],
});

/** How far in the future occurredAt may lie (client clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const CLASS_VALIDATOR_OPTIONS: Readonly<ValidatorOptions> = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

/**
 * Step 1 of both validators: the event must be a JSON object with a known type, which selects the DTO
 * (class-validator) or the compiled schema (ajv).
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
 * Step 2 of both validators: the API's text rule (no NUL, no lone surrogate) over every string and key of
 * the event. PostgreSQL refuses such JSON, so an event carrying one must be refused here, alone, rather than
 * fail the group commit it would join.
 */
export function findUnsafeEventText(plain: object): FieldError[] {
  return findUnsafeText(plain, { indexStyle: 'dots' }).map((finding) => ({
    field: finding.field,
    message: finding.problems[0],
  }));
}

/** Last step of both validators: the part of the contract that depends on the clock. */
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
 * Last step of both validators, beside the clock: a subdivision must lie in the event's country when both
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

/** Deepest legitimate nesting is event → data → params → value; anything far deeper is refused before it is walked. */
const MAX_NESTING_DEPTH = 6;
const RESERVED_KEYS: ReadonlySet<string> = new Set(RESERVED_OBJECT_KEYS);

/**
 * class-transformer drops keys such as "toString" while building the DTO, so class-validator would never see
 * them to forbid them; it throws on a "constructor" key in an object without @Type; and it recurses without
 * limit. This walk, before the transformation, reports all three. (The compiled schema rejects such events
 * by itself: no schema allows those keys or that depth.)
 */
export function findUntransformableKeys(plain: object): FieldError[] {
  const errors: FieldError[] = [];
  const pending: Array<{ value: object; path: string; depth: number }> = [
    { value: plain, path: '', depth: 0 },
  ];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (depth > MAX_NESTING_DEPTH) {
      errors.push({ field: path, message: `${path} is nested too deeply` });
      continue;
    }
    for (const key of Object.keys(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (RESERVED_KEYS.has(key)) {
        errors.push({ field: childPath, message: `property ${key} should not exist` });
        continue;
      }
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null)
        pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return errors;
}

/**
 * Validates with class-validator. Slow (about 7x the compiled validator) but authoritative: EventValidator is
 * derived from the same classes and must agree with this on every input.
 */
export function validateEvent(plain: unknown, clock: ValidationClock = {}): ValidationOutcome {
  try {
    return checkEvent(plain, clock);
  } catch {
    return UNVALIDATABLE;
  }
}

function checkEvent(plain: unknown, clock: ValidationClock): ValidationOutcome {
  const dispatched = dispatchOnType(plain);
  if ('errors' in dispatched) return { ok: false, errors: dispatched.errors };
  const event = plain as object;
  const unsafeText = findUnsafeEventText(event);
  if (unsafeText.length > 0) return { ok: false, errors: unsafeText };
  // Such an event is refused whatever else is wrong with it, and class-transformer may even throw on it
  // (it takes a "constructor" key for the class to build), so it is not transformed.
  const errors = findUntransformableKeys(event);
  if (errors.length === 0) {
    const instance = plainToInstance(eventDtoFor(dispatched.type), event);
    errors.push(...flattenValidationErrors(validateSync(instance, CLASS_VALIDATOR_OPTIONS)));
  }
  errors.push(...checkSubdivision(event));
  errors.push(...checkClock(event, (clock.now ?? Date.now)()));
  return errors.length === 0 ? { ok: true, event: event as IngestedEvent } : { ok: false, errors };
}

/**
 * Field paths from class-validator's error tree. Below a value that is not even an object, class-validator
 * still descends (it validates each element of an array given for a nested object); those child errors
 * say nothing useful and are dropped, as JSON Schema does not produce them.
 */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    const field =
      error.property === undefined ? prefix : prefix === '' ? error.property : `${prefix}.${error.property}`;
    const constraints = error.constraints ?? {};
    for (const message of Object.values(constraints)) flat.push({ field, message });
    const notAnObject = 'isObject' in constraints || 'nestedValidation' in constraints;
    if (error.children !== undefined && error.children.length > 0 && !notAnObject) {
      flat.push(...flattenValidationErrors(error.children, field));
    }
  }
  return flat;
}
