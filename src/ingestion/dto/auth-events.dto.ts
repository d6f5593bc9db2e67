import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { NoPayload } from '../domain/event-payloads';
import { AUTH_EVENT_TYPES, type AuthEventType } from '../domain/event-types';
import { IsEmptyObject, OptionalField } from './event-constraints';
import { EventEnvelopeDto } from './event-envelope.dto';

/** Logins, failed logins, logouts and password resets: the envelope says everything (who, from where). */
export class AuthEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: AUTH_EVENT_TYPES, example: 'auth.login.failed' })
  @IsIn(AUTH_EVENT_TYPES)
  type: AuthEventType;

  @ApiProperty({
    required: false,
    type: Object,
    maxProperties: 0,
    description: 'No payload: omit it or send {}.',
  })
  @OptionalField()
  @IsEmptyObject()
  data?: NoPayload;
}
