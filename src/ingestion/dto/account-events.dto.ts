import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import type {
  AccountClosedPayload,
  AccountCreatedPayload,
  ParentalConsentPayload,
} from '../domain/event-payloads';
import { ACCOUNT_EVENT_TYPES, type AccountEventType } from '../domain/event-types';
import {
  ACCOUNT_CLOSURE_REASONS,
  type AccountClosureReason,
  AGE_BANDS,
  AGE_VERIFICATION_METHODS,
  type AgeBand,
  type AgeVerificationMethod,
  PARENTAL_CONSENT_METHODS,
  PARENTAL_CONSENT_SCOPES,
  type ParentalConsentMethod,
  type ParentalConsentScope,
} from '../domain/event-vocabulary';
import {
  IsCountryCode,
  MutuallyExclusiveWith,
  OptionalField,
  OptionalFor,
  RequiredUnlessPresent,
} from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';

export class AccountCreatedDataDto implements AccountCreatedPayload {
  @ApiProperty({ minimum: 1900, maximum: 2100, example: 2011 })
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear: number;

  @ApiProperty({
    minLength: 2,
    maxLength: 2,
    description: 'Country of the account, ISO 3166-1 alpha-2.',
    example: 'FR',
  })
  @IsCountryCode()
  country: string;
}

/** Exactly one of `age` and `ageBand`. */
export class AgeVerifiedDataDto {
  @ApiProperty({
    required: false,
    minimum: 0,
    maximum: 130,
    description: 'Exclusive with ageBand.',
    example: 15,
  })
  @RequiredUnlessPresent('ageBand')
  @MutuallyExclusiveWith('ageBand')
  @IsInt()
  @Min(0)
  @Max(130)
  age?: number;

  @ApiProperty({ required: false, enum: AGE_BANDS, description: 'Exclusive with age.' })
  @RequiredUnlessPresent('age')
  @MutuallyExclusiveWith('age')
  @IsIn(AGE_BANDS)
  ageBand?: AgeBand;

  @ApiProperty({ enum: AGE_VERIFICATION_METHODS, example: 'id_document' })
  @IsIn(AGE_VERIFICATION_METHODS)
  method: AgeVerificationMethod;
}

export class ParentalConsentDataDto implements ParentalConsentPayload {
  @ApiProperty({ description: 'The parent was verified (COPPA verifiable parental consent).' })
  @IsBoolean()
  verified: boolean;

  @ApiProperty({ enum: PARENTAL_CONSENT_METHODS, example: 'payment_card' })
  @IsIn(PARENTAL_CONSENT_METHODS)
  method: ParentalConsentMethod;

  @ApiProperty({
    enum: PARENTAL_CONSENT_SCOPES,
    isArray: true,
    minItems: 1,
    maxItems: 3,
    example: ['collection'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PARENTAL_CONSENT_SCOPES.length)
  @IsIn(PARENTAL_CONSENT_SCOPES, { each: true })
  scopes: ParentalConsentScope[];
}

export class AccountClosedDataDto implements AccountClosedPayload {
  @ApiProperty({ required: false, enum: ACCOUNT_CLOSURE_REASONS })
  @OptionalField()
  @IsIn(ACCOUNT_CLOSURE_REASONS)
  reason?: AccountClosureReason;
}

const ACCOUNT_PAYLOADS = {
  'account.created': AccountCreatedDataDto,
  'account.age_verified': AgeVerifiedDataDto,
  'account.parental_consent_given': ParentalConsentDataDto,
  'account.closed': AccountClosedDataDto,
} satisfies Record<AccountEventType, new () => object>;

@ApiExtraModels(...Object.values(ACCOUNT_PAYLOADS))
export class AccountEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: ACCOUNT_EVENT_TYPES, example: 'account.created' })
  @IsIn(ACCOUNT_EVENT_TYPES)
  type: AccountEventType;

  @ApiProperty({
    required: false,
    description: 'The payload of the type; may be omitted for account.closed only.',
    oneOf: Object.values(ACCOUNT_PAYLOADS).map((payload) => ({ $ref: getSchemaPath(payload) })),
  })
  @OptionalFor(['account.closed'])
  @EventData(payloadFor(ACCOUNT_PAYLOADS))
  data?: AccountCreatedDataDto | AgeVerifiedDataDto | ParentalConsentDataDto | AccountClosedDataDto;
}
