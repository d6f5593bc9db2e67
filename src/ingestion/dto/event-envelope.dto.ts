import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Type, type TypeHelpOptions } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, ValidateNested } from 'class-validator';
import {
  IDENTIFIER_MAX_LENGTH,
  IDENTIFIER_PATTERN,
  IP_ADDRESS_MAX_LENGTH,
  TIMESTAMP_MAX_LENGTH,
  UUID_LENGTH,
  UUID_PATTERN,
} from '../domain/event-formats';
import type { EventActor, SubjectlessEventType } from '../domain/event-payloads';
import type { EventType } from '../domain/event-types';
import {
  ACTOR_TYPES,
  type ActorType,
  INTERNAL_ACTOR_TYPES,
  type InternalActorType,
} from '../domain/event-vocabulary';
import {
  IsCountryCode,
  IsSubdivisionCode,
  IsFreeText,
  IsIdentifier,
  IsIpAddress,
  IsTimestamp,
  IsUuid,
  MaxJsonBytes,
  OptionalField,
  OptionalFor,
} from './event-constraints';

/** `data` serialised as JSON may not exceed this (DESIGN §2: bounded size). */
export const EVENT_DATA_MAX_BYTES = 8 * 1024;
export const USER_AGENT_MAX_LENGTH = 512;

const SUBJECTLESS_EVENT_TYPES: readonly SubjectlessEventType[] = [
  'security.breach.confirmed',
  'breach.authority_notified',
  'api.error',
  'client.error',
];

export class ActorDto implements EventActor {
  @ApiProperty({ enum: ACTOR_TYPES, example: 'viewer' })
  @IsIn(ACTOR_TYPES)
  type: ActorType;

  @ApiProperty({ maxLength: IDENTIFIER_MAX_LENGTH, pattern: IDENTIFIER_PATTERN.source, example: 'v-7f3a9c' })
  @IsIdentifier()
  id: string;
}

/** The actor of data.accessed: only the platform's own staff or services read stored personal data. */
export class InternalActorDto {
  @ApiProperty({ enum: INTERNAL_ACTOR_TYPES, example: 'staff' })
  @IsIn(INTERNAL_ACTOR_TYPES)
  type: InternalActorType;

  @ApiProperty({ maxLength: IDENTIFIER_MAX_LENGTH, pattern: IDENTIFIER_PATTERN.source, example: 's-42' })
  @IsIdentifier()
  id: string;
}

/** A nested object validated as the class the resolver names. */
export function NestedObject(resolver: (options?: TypeHelpOptions) => new () => object): PropertyDecorator {
  return applyDecorators(IsObject(), ValidateNested(), Type(resolver));
}

/** The `data` property of a family: an object of the class registered for the event's type, at most 8 KB. */
export function EventData(resolver: (options?: TypeHelpOptions) => new () => object): PropertyDecorator {
  return applyDecorators(NestedObject(resolver), MaxJsonBytes(EVENT_DATA_MAX_BYTES));
}

/** Matches no payload at all (it declares no property): what `data` resolves to for a type outside the family. */
export class UnresolvedPayloadDto {}

/**
 * Resolves a family's payload class from the event's `type`, read from the plain object class-transformer is
 * converting. event-json-schema.ts calls the same resolver with each type to derive one schema per type.
 */
export function payloadFor<T extends EventType>(
  classes: Record<T, new () => object>,
): (options?: TypeHelpOptions) => new () => object {
  return (options) => {
    const type = (options?.object as { type?: unknown } | undefined)?.type;
    return typeof type === 'string' && Object.hasOwn(classes, type)
      ? classes[type as T]
      : UnresolvedPayloadDto;
  };
}

/** data.accessed is the one type whose actor is restricted (staff or service). */
function actorClassFor(options?: TypeHelpOptions): new () => object {
  const type = (options?.object as { type?: unknown } | undefined)?.type;
  return type === 'data.accessed' ? InternalActorDto : ActorDto;
}

/**
 * Fields every event carries (DESIGN §2). Each family extends this with its `type` and `data`; event-dtos.ts
 * maps every type to its family class.
 */
@ApiExtraModels(ActorDto, InternalActorDto)
export abstract class EventEnvelopeDto {
  @ApiProperty({
    description: 'Client-chosen UUID; the idempotency key.',
    format: 'uuid',
    minLength: UUID_LENGTH,
    maxLength: UUID_LENGTH,
    pattern: UUID_PATTERN.source,
    example: '0b9e4e1c-5a7d-4c2e-9f1a-2d3b4c5d6e7f',
  })
  @IsUuid()
  eventId: string;

  @ApiProperty({
    description: 'When it happened: RFC 3339 with zone, not before 2000, at most 5 minutes in the future.',
    format: 'date-time',
    maxLength: TIMESTAMP_MAX_LENGTH,
    example: '2026-03-01T10:15:00Z',
  })
  @IsTimestamp()
  occurredAt: string;

  @ApiProperty({
    description: 'Pseudonymous viewer id of the data subject. Optional only for breach and error events.',
    required: false,
    maxLength: IDENTIFIER_MAX_LENGTH,
    pattern: IDENTIFIER_PATTERN.source,
    example: 'v-7f3a9c',
  })
  @OptionalFor(SUBJECTLESS_EVENT_TYPES)
  @IsIdentifier()
  userId?: string;

  @ApiProperty({
    description: 'Who acted; for data.accessed only staff or service.',
    oneOf: [{ $ref: getSchemaPath(ActorDto) }, { $ref: getSchemaPath(InternalActorDto) }],
  })
  @NestedObject(actorClassFor)
  actor: ActorDto | InternalActorDto;

  @ApiProperty({
    required: false,
    maxLength: IP_ADDRESS_MAX_LENGTH,
    description: 'IPv4 or IPv6; stored only as its /24 or /48 prefix.',
    example: '203.0.113.7',
  })
  @OptionalField()
  @IsIpAddress()
  ip?: string;

  @ApiProperty({
    required: false,
    minLength: 2,
    maxLength: 2,
    description: 'ISO 3166-1 alpha-2.',
    example: 'FR',
  })
  @OptionalField()
  @IsCountryCode()
  country?: string;

  @ApiProperty({
    required: false,
    minLength: 4,
    maxLength: 6,
    description:
      'ISO 3166-2 subdivision where the viewer is (US-CA, US-TX, DE-BY); upper-cased at reception. ' +
      'Its country part must equal `country` when both are given. Rules select state laws by it.',
    example: 'FR-IDF',
  })
  @OptionalField()
  @IsSubdivisionCode()
  subdivision?: string;

  @ApiProperty({
    required: false,
    maxLength: USER_AGENT_MAX_LENGTH,
    example: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)',
  })
  @OptionalField()
  @IsFreeText(USER_AGENT_MAX_LENGTH)
  userAgent?: string;

  @ApiProperty({
    required: false,
    maxLength: IDENTIFIER_MAX_LENGTH,
    pattern: IDENTIFIER_PATTERN.source,
    example: 'd-51c2',
  })
  @OptionalField()
  @IsIdentifier()
  deviceId?: string;

  @ApiProperty({
    required: false,
    maxLength: IDENTIFIER_MAX_LENGTH,
    pattern: IDENTIFIER_PATTERN.source,
    example: 's-9a01',
  })
  @OptionalField()
  @IsIdentifier()
  sessionId?: string;

  @ApiProperty({ required: false, description: 'The client sent Sec-GPC: 1 (Global Privacy Control).' })
  @OptionalField()
  @IsBoolean()
  gpc?: boolean;

  abstract type: EventType;
  abstract data?: object;
}
