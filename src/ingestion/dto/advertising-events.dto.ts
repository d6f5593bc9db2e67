import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn } from 'class-validator';
import { TOKEN_MAX_LENGTH } from '../domain/event-formats';
import type { AdServedPayload, TrackingFiredPayload, TrackingParamValue } from '../domain/event-payloads';
import { ADVERTISING_EVENT_TYPES, type AdvertisingEventType } from '../domain/event-types';
import { AD_TARGETING_KINDS, type AdTargeting } from '../domain/event-vocabulary';
import { IsFreeText, IsScalarMap, IsToken, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';

export const VENDOR_MAX_LENGTH = 128;
export const TRACKING_PARAMS_MAX_ENTRIES = 32;
export const TRACKING_PARAM_KEY_PATTERN = /^[A-Za-z0-9_.[\]:-]+$/u;
export const TRACKING_PARAM_KEY_MAX_LENGTH = 64;
export const TRACKING_PARAM_VALUE_MAX_LENGTH = 512;
export const SEGMENTS_MAX_ITEMS = 64;
export const SEGMENT_MAX_LENGTH = 128;

export class TrackingFiredDataDto implements TrackingFiredPayload {
  @ApiProperty({ maxLength: VENDOR_MAX_LENGTH, example: 'ad-pixel' })
  @IsFreeText(VENDOR_MAX_LENGTH)
  vendor: string;

  @ApiProperty({
    maxLength: TOKEN_MAX_LENGTH,
    description:
      'A consent purpose, or e.g. strictly_necessary, communication, appearance, analytics_statistical.',
    example: 'ads_targeting',
  })
  @IsToken()
  purpose: string;

  @ApiProperty({
    description: 'Stores or reads information on the device (cookie, local storage, device id).',
  })
  @IsBoolean()
  deviceAccess: boolean;

  @ApiProperty({ description: 'Strictly necessary for the service the viewer asked for.' })
  @IsBoolean()
  strictlyNecessary: boolean;

  @ApiProperty({ description: 'Sends a persistent identifier (COPPA personal information).' })
  @IsBoolean()
  persistentId: boolean;

  @ApiProperty({
    required: false,
    type: Object,
    maxProperties: TRACKING_PARAMS_MAX_ENTRIES,
    additionalProperties: {
      oneOf: [
        { type: 'string', maxLength: TRACKING_PARAM_VALUE_MAX_LENGTH },
        { type: 'number' },
        { type: 'boolean' },
      ],
    },
    description: 'The parameters the pixel sent, flat.',
    example: { content_name: 't-123', external_id: 'v-7f3a9c' },
  })
  @OptionalField()
  @IsScalarMap({
    maxEntries: TRACKING_PARAMS_MAX_ENTRIES,
    keyPattern: TRACKING_PARAM_KEY_PATTERN,
    keyMaxLength: TRACKING_PARAM_KEY_MAX_LENGTH,
    valueMaxLength: TRACKING_PARAM_VALUE_MAX_LENGTH,
  })
  params?: Record<string, TrackingParamValue>;
}

export class AdServedDataDto implements AdServedPayload {
  @ApiProperty({ enum: AD_TARGETING_KINDS, example: 'profiled' })
  @IsIn(AD_TARGETING_KINDS)
  targeting: AdTargeting;

  @ApiProperty({
    type: [String],
    maxItems: SEGMENTS_MAX_ITEMS,
    description: 'Audience segments used, as named by the ad system (may be empty).',
    example: ['gaming'],
  })
  @IsArray()
  @ArrayMaxSize(SEGMENTS_MAX_ITEMS)
  @IsFreeText(SEGMENT_MAX_LENGTH, 'single', { each: true })
  segments: string[];

  @ApiProperty({ required: false, maxLength: TOKEN_MAX_LENGTH, example: 'marketing' })
  @OptionalField()
  @IsToken()
  purpose?: string;
}

const ADVERTISING_PAYLOADS = {
  'tracking.fired': TrackingFiredDataDto,
  'ad.served': AdServedDataDto,
} satisfies Record<AdvertisingEventType, new () => object>;

@ApiExtraModels(...Object.values(ADVERTISING_PAYLOADS))
export class AdvertisingEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: ADVERTISING_EVENT_TYPES, example: 'tracking.fired' })
  @IsIn(ADVERTISING_EVENT_TYPES)
  type: AdvertisingEventType;

  @ApiProperty({
    oneOf: Object.values(ADVERTISING_PAYLOADS).map((payload) => ({ $ref: getSchemaPath(payload) })),
  })
  @EventData(payloadFor(ADVERTISING_PAYLOADS))
  data: TrackingFiredDataDto | AdServedDataDto;
}
