import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { CODE_MAX_LENGTH, CODE_PATTERN } from '../domain/event-formats';
import type { ErrorReportPayload } from '../domain/event-payloads';
import { ERROR_EVENT_TYPES, type ErrorEventType } from '../domain/event-types';
import { IsFreeText, IsText, OptionalField } from './event-constraints';
import { EventData, EventEnvelopeDto } from './event-envelope.dto';

export const ERROR_MESSAGE_MAX_LENGTH = 1024;
export const ENDPOINT_MAX_LENGTH = 512;

/** api.error and client.error. */
export class ErrorReportDataDto implements ErrorReportPayload {
  @ApiProperty({ maxLength: CODE_MAX_LENGTH, pattern: CODE_PATTERN.source, example: 'E_PLAYER_DRM' })
  @IsText({
    maxLength: CODE_MAX_LENGTH,
    pattern: CODE_PATTERN,
    describedAs: 'an error code ([A-Za-z0-9._:-])',
  })
  code: string;

  @ApiProperty({
    required: false,
    minimum: 100,
    maximum: 599,
    description: 'HTTP status, when there was one.',
  })
  @OptionalField()
  @IsInt()
  @Min(100)
  @Max(599)
  status?: number;

  @ApiProperty({ required: false, maxLength: ERROR_MESSAGE_MAX_LENGTH })
  @OptionalField()
  @IsFreeText(ERROR_MESSAGE_MAX_LENGTH, 'multi')
  message?: string;

  @ApiProperty({ required: false, maxLength: ENDPOINT_MAX_LENGTH, example: '/v1/playback/sessions' })
  @OptionalField()
  @IsFreeText(ENDPOINT_MAX_LENGTH)
  endpoint?: string;
}

export class ErrorEventDto extends EventEnvelopeDto {
  @ApiProperty({ enum: ERROR_EVENT_TYPES, example: 'api.error' })
  @IsIn(ERROR_EVENT_TYPES)
  type: ErrorEventType;

  @ApiProperty({ type: () => ErrorReportDataDto })
  @EventData(() => ErrorReportDataDto)
  data: ErrorReportDataDto;
}
