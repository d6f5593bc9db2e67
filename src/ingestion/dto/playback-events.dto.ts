import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, LABEL_MAX_LENGTH } from '../domain/event-formats';
import type { PlaybackStartedPayload, PlaybackStoppedPayload } from '../domain/event-payloads';
import { PLAYBACK_EVENT_TYPES, type PlaybackEventType } from '../domain/event-types';
import { IsFreeText, IsIdentifier, IsLabel, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto, payloadFor } from './event-envelope.dto';

export const TITLE_MAX_LENGTH = 256;
export const GENRE_MAX_LENGTH = 64;
/** A month of continuous live stream. */
export const POSITION_MAX_SECONDS = 31 * 24 * 3600;

export class PlaybackStartedDataDto implements PlaybackStartedPayload {
  @ApiProperty({ maxLength: IDENTIFIER_MAX_LENGTH, example: 't-123' })
  @IsIdentifier()
  contentId: string;

  @ApiProperty({ required: false, maxLength: TITLE_MAX_LENGTH, example: 'The Long Night' })
  @OptionalField()
  @IsFreeText(TITLE_MAX_LENGTH)
  title?: string;

  @ApiProperty({
    maxLength: LABEL_MAX_LENGTH,
    description: 'Content rating as labelled, e.g. TV-MA, PG-13, FSK 16.',
  })
  @IsLabel()
  rating: string;

  @ApiProperty({ maxLength: GENRE_MAX_LENGTH, example: 'Drama' })
  @IsFreeText(GENRE_MAX_LENGTH)
  genre: string;

  @ApiProperty({ description: 'Chosen by a recommender using the viewer profile.' })
  @IsBoolean()
  personalised: boolean;
}

export class PlaybackStoppedDataDto implements PlaybackStoppedPayload {
  @ApiProperty({ maxLength: IDENTIFIER_MAX_LENGTH, example: 't-123' })
  @IsIdentifier()
  contentId: string;

  @ApiProperty({ minimum: 0, maximum: POSITION_MAX_SECONDS, example: 1820 })
  @IsInt()
  @Min(0)
  @Max(POSITION_MAX_SECONDS)
  positionSeconds: number;
}

const PLAYBACK_PAYLOADS = {
  'playback.started': PlaybackStartedDataDto,
  'playback.stopped': PlaybackStoppedDataDto,
} satisfies Record<PlaybackEventType, new () => object>;

@ApiExtraModels(...Object.values(PLAYBACK_PAYLOADS))
export class PlaybackEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: PLAYBACK_EVENT_TYPES, example: 'playback.started' })
  @IsIn(PLAYBACK_EVENT_TYPES)
  type: PlaybackEventType;

  @ApiProperty({
    oneOf: Object.values(PLAYBACK_PAYLOADS).map((payload) => ({ $ref: getSchemaPath(payload) })),
  })
  @EventData(payloadFor(PLAYBACK_PAYLOADS))
  data: PlaybackStartedDataDto | PlaybackStoppedDataDto;
}
