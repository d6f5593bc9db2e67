import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { LABEL_MAX_LENGTH, TIMESTAMP_MAX_LENGTH } from '../domain/event-formats';
import type { ConsentChangePayload } from '../domain/event-payloads';
import { CONSENT_EVENT_TYPES, type ConsentEventType } from '../domain/event-types';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  LEGAL_BASES,
  type LegalBasis,
} from '../domain/event-vocabulary';
import { IsLabel, IsTimestamp, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto } from './event-envelope.dto';

/** consent.granted and consent.withdrawn (a withdrawal with basis legitimate_interest is an objection). */
export class ConsentChangeDataDto implements ConsentChangePayload {
  @ApiProperty({ enum: CONSENT_PURPOSES, example: 'ads_targeting' })
  @IsIn(CONSENT_PURPOSES)
  purpose: ConsentPurpose;

  @ApiProperty({ enum: LEGAL_BASES, example: 'consent' })
  @IsIn(LEGAL_BASES)
  basis: LegalBasis;

  @ApiProperty({
    maxLength: LABEL_MAX_LENGTH,
    description: 'Version of the notice shown.',
    example: '2026-02',
  })
  @IsLabel()
  noticeVersion: string;

  @ApiProperty({ required: false, description: 'Asked in a form separate from other terms (VPPA).' })
  @OptionalField()
  @IsBoolean()
  separateForm?: boolean;

  @ApiProperty({ required: false, description: 'Explicit consent (GDPR Art. 9(2)(a), 49(1)(a)).' })
  @OptionalField()
  @IsBoolean()
  explicit?: boolean;

  @ApiProperty({ required: false, format: 'date-time', maxLength: TIMESTAMP_MAX_LENGTH })
  @OptionalField()
  @IsTimestamp()
  expiresAt?: string;
}

export class ConsentEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: CONSENT_EVENT_TYPES, example: 'consent.granted' })
  @IsIn(CONSENT_EVENT_TYPES)
  type: ConsentEventType;

  @ApiProperty({ type: () => ConsentChangeDataDto })
  @EventData(() => ConsentChangeDataDto)
  data: ConsentChangeDataDto;
}
