import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, TIMESTAMP_MAX_LENGTH } from '../domain/event-formats';
import type { BreachAuthorityNotifiedPayload, BreachConfirmedPayload } from '../domain/event-payloads';
import { BREACH_EVENT_TYPES, type BreachEventType } from '../domain/event-types';
import { IsIdentifier, IsTimestamp } from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';

const breachIdApi = {
  maxLength: IDENTIFIER_MAX_LENGTH,
  description: 'The breach, as the incident process names it.',
  example: 'br-2026-003',
};

export class BreachConfirmedDataDto implements BreachConfirmedPayload {
  @ApiProperty(breachIdApi)
  @IsIdentifier()
  breachId: string;

  @ApiProperty({ description: 'Personal data is affected (GDPR Art. 33 applies).' })
  @IsBoolean()
  personalData: boolean;

  @ApiProperty({
    format: 'date-time',
    maxLength: TIMESTAMP_MAX_LENGTH,
    description: 'When the controller became aware.',
  })
  @IsTimestamp()
  awareAt: string;
}

export class BreachAuthorityNotifiedDataDto implements BreachAuthorityNotifiedPayload {
  @ApiProperty(breachIdApi)
  @IsIdentifier()
  breachId: string;
}

const BREACH_PAYLOADS = {
  'security.breach.confirmed': BreachConfirmedDataDto,
  'breach.authority_notified': BreachAuthorityNotifiedDataDto,
} satisfies Record<BreachEventType, new () => object>;

@ApiExtraModels(...Object.values(BREACH_PAYLOADS))
export class BreachEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: BREACH_EVENT_TYPES, example: 'security.breach.confirmed' })
  @IsIn(BREACH_EVENT_TYPES)
  type: BreachEventType;

  @ApiProperty({ oneOf: Object.values(BREACH_PAYLOADS).map((payload) => ({ $ref: getSchemaPath(payload) })) })
  @EventData(payloadFor(BREACH_PAYLOADS))
  data: BreachConfirmedDataDto | BreachAuthorityNotifiedDataDto;
}
