import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import {
  IDENTIFIER_MAX_LENGTH,
  JURISDICTION_MAX_LENGTH,
  TIMESTAMP_MAX_LENGTH,
} from '../domain/event-formats';
import type {
  DsrExtendedPayload,
  DsrOpenedPayload,
  DsrOutcomePayload,
  DsrPausePayload,
  DsrRecipientNotifiedPayload,
} from '../domain/event-payloads';
import { DSR_EVENT_TYPES, type DsrEventType } from '../domain/event-types';
import {
  DSR_FORMATS,
  DSR_PAUSE_REASONS,
  DSR_TYPES,
  type DsrFormat,
  type DsrPauseReason,
  type DsrType,
} from '../domain/event-vocabulary';
import { IsFreeText, IsIdentifier, IsJurisdiction, IsTimestamp, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';
import { RECIPIENT_MAX_LENGTH } from './personal-data-events.dto';

export const DSR_REASON_MAX_LENGTH = 512;

const requestIdApi = {
  maxLength: IDENTIFIER_MAX_LENGTH,
  description: 'The data-subject request.',
  example: 'dsr-2026-0042',
};

export class DsrOpenedDataDto implements DsrOpenedPayload {
  @ApiProperty(requestIdApi)
  @IsIdentifier()
  requestId: string;

  @ApiProperty({ enum: DSR_TYPES, example: 'access' })
  @IsIn(DSR_TYPES)
  type: DsrType;

  @ApiProperty({
    maxLength: JURISDICTION_MAX_LENGTH,
    description:
      'Regime the request is made under: EEA, EU, a country (GB, BR, CA) or a subdivision (US-CA).',
    example: 'EEA',
  })
  @IsJurisdiction()
  jurisdiction: string;

  @ApiProperty({ required: false, enum: DSR_FORMATS })
  @OptionalField()
  @IsIn(DSR_FORMATS)
  format?: DsrFormat;
}

export class DsrExtendedDataDto implements DsrExtendedPayload {
  @ApiProperty(requestIdApi)
  @IsIdentifier()
  requestId: string;

  @ApiProperty({
    format: 'date-time',
    maxLength: TIMESTAMP_MAX_LENGTH,
    description: 'When the viewer was told.',
  })
  @IsTimestamp()
  notifiedAt: string;

  @ApiProperty({ maxLength: DSR_REASON_MAX_LENGTH, example: 'Complex request spanning several systems.' })
  @IsFreeText(DSR_REASON_MAX_LENGTH, 'multi')
  reason: string;
}

/** dsr.paused and dsr.resumed. */
export class DsrPauseDataDto implements DsrPausePayload {
  @ApiProperty(requestIdApi)
  @IsIdentifier()
  requestId: string;

  @ApiProperty({ enum: DSR_PAUSE_REASONS, example: 'id_verification' })
  @IsIn(DSR_PAUSE_REASONS)
  reason: DsrPauseReason;
}

/** dsr.completed and dsr.refused. */
export class DsrOutcomeDataDto implements DsrOutcomePayload {
  @ApiProperty(requestIdApi)
  @IsIdentifier()
  requestId: string;
}

export class DsrRecipientNotifiedDataDto implements DsrRecipientNotifiedPayload {
  @ApiProperty(requestIdApi)
  @IsIdentifier()
  requestId: string;

  @ApiProperty({
    maxLength: RECIPIENT_MAX_LENGTH,
    description: 'As named in the earlier data.shared.',
    example: 'ad-partner',
  })
  @IsFreeText(RECIPIENT_MAX_LENGTH)
  recipient: string;
}

const DSR_PAYLOADS = {
  'dsr.opened': DsrOpenedDataDto,
  'dsr.extended': DsrExtendedDataDto,
  'dsr.paused': DsrPauseDataDto,
  'dsr.resumed': DsrPauseDataDto,
  'dsr.completed': DsrOutcomeDataDto,
  'dsr.refused': DsrOutcomeDataDto,
  'dsr.recipient_notified': DsrRecipientNotifiedDataDto,
} satisfies Record<DsrEventType, new () => object>;

const DSR_PAYLOAD_CLASSES = [
  DsrOpenedDataDto,
  DsrExtendedDataDto,
  DsrPauseDataDto,
  DsrOutcomeDataDto,
  DsrRecipientNotifiedDataDto,
];

@ApiExtraModels(...DSR_PAYLOAD_CLASSES)
export class DsrEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: DSR_EVENT_TYPES, example: 'dsr.opened' })
  @IsIn(DSR_EVENT_TYPES)
  type: DsrEventType;

  @ApiProperty({ oneOf: DSR_PAYLOAD_CLASSES.map((payload) => ({ $ref: getSchemaPath(payload) })) })
  @EventData(payloadFor(DSR_PAYLOADS))
  data:
    DsrOpenedDataDto | DsrExtendedDataDto | DsrPauseDataDto | DsrOutcomeDataDto | DsrRecipientNotifiedDataDto;
}
