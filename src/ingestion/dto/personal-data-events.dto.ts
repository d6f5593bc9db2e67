import { ApiExtraModels, ApiProperty, type ApiPropertyOptions, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, TOKEN_MAX_LENGTH } from '../domain/event-formats';
import type { DataAccessedPayload, DataDeletedPayload, DataTransferPayload } from '../domain/event-payloads';
import { PERSONAL_DATA_EVENT_TYPES, type PersonalDataEventType } from '../domain/event-types';
import {
  RECIPIENT_TYPES,
  type RecipientType,
  STAFF_ACCESS_PURPOSES,
  SUPPORT_PURPOSE,
  TRANSFER_SAFEGUARDS,
  type TransferSafeguard,
} from '../domain/event-vocabulary';
import { IsCountryCode, IsFreeText, IsIdentifier, IsToken, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';

export const CATEGORIES_MAX_ITEMS = 32;
export const RECIPIENT_MAX_LENGTH = 128;
export const RECORD_COUNT_MAX = 1_000_000_000;

const categoriesApi: ApiPropertyOptions = {
  type: [String],
  minItems: 1,
  maxItems: CATEGORIES_MAX_ITEMS,
  description: 'Personal-data categories as snake_case tokens, e.g. viewing_history, contact, precise_geo.',
  example: ['viewing_history'],
};

export class DataAccessedDataDto implements DataAccessedPayload {
  @ApiProperty(categoriesApi)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CATEGORIES_MAX_ITEMS)
  @IsToken({ each: true })
  categories: string[];

  @ApiProperty({
    maxLength: TOKEN_MAX_LENGTH,
    example: SUPPORT_PURPOSE,
    description: `Why the data was read. Staff access is allowed for: ${STAFF_ACCESS_PURPOSES.join(', ')} (GDPR-09A).`,
  })
  @IsToken()
  purpose: string;

  @ApiProperty({
    required: false,
    maxLength: IDENTIFIER_MAX_LENGTH,
    description: 'Support ticket justifying the access.',
  })
  @OptionalField()
  @IsIdentifier()
  ticketId?: string;

  @ApiProperty({ minimum: 0, maximum: RECORD_COUNT_MAX, example: 1 })
  @IsInt()
  @Min(0)
  @Max(RECORD_COUNT_MAX)
  recordCount: number;
}

/** data.shared and data.exported. */
export class DataTransferDataDto implements DataTransferPayload {
  @ApiProperty({ maxLength: RECIPIENT_MAX_LENGTH, example: 'ad-partner' })
  @IsFreeText(RECIPIENT_MAX_LENGTH)
  recipient: string;

  @ApiProperty({ enum: RECIPIENT_TYPES, example: 'third_party' })
  @IsIn(RECIPIENT_TYPES)
  recipientType: RecipientType;

  @ApiProperty({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2.', example: 'US' })
  @IsCountryCode()
  recipientCountry: string;

  @ApiProperty({
    required: false,
    description: 'Recipient certified under the EU-US Data Privacy Framework.',
  })
  @OptionalField()
  @IsBoolean()
  dpfCertified?: boolean;

  @ApiProperty(categoriesApi)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CATEGORIES_MAX_ITEMS)
  @IsToken({ each: true })
  categories: string[];

  @ApiProperty()
  @IsBoolean()
  includesViewingHistory: boolean;

  @ApiProperty({ description: 'A sale or sharing in the CCPA sense.' })
  @IsBoolean()
  saleOrShare: boolean;

  @ApiProperty({ enum: TRANSFER_SAFEGUARDS, example: 'scc' })
  @IsIn(TRANSFER_SAFEGUARDS)
  safeguard: TransferSafeguard;

  @ApiProperty({ required: false, maxLength: TOKEN_MAX_LENGTH, example: 'marketing' })
  @OptionalField()
  @IsToken()
  purpose?: string;
}

export class DataDeletedDataDto implements DataDeletedPayload {
  @ApiProperty(categoriesApi)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CATEGORIES_MAX_ITEMS)
  @IsToken({ each: true })
  categories: string[];

  @ApiProperty({
    required: false,
    maxLength: IDENTIFIER_MAX_LENGTH,
    description: 'The erasure request served.',
  })
  @OptionalField()
  @IsIdentifier()
  requestId?: string;
}

const PERSONAL_DATA_PAYLOADS = {
  'data.accessed': DataAccessedDataDto,
  'data.shared': DataTransferDataDto,
  'data.exported': DataTransferDataDto,
  'data.deleted': DataDeletedDataDto,
} satisfies Record<PersonalDataEventType, new () => object>;

@ApiExtraModels(DataAccessedDataDto, DataTransferDataDto, DataDeletedDataDto)
export class PersonalDataEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: PERSONAL_DATA_EVENT_TYPES, example: 'data.accessed' })
  @IsIn(PERSONAL_DATA_EVENT_TYPES)
  type: PersonalDataEventType;

  @ApiProperty({
    oneOf: [DataAccessedDataDto, DataTransferDataDto, DataDeletedDataDto].map((payload) => ({
      $ref: getSchemaPath(payload),
    })),
  })
  @EventData(payloadFor(PERSONAL_DATA_PAYLOADS))
  data: DataAccessedDataDto | DataTransferDataDto | DataDeletedDataDto;
}
