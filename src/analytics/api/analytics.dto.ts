import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { SEVERITIES } from '../domain/posture';
import { MAX_RANGE_DAYS, rangeProblem, resolveRange } from '../domain/time-range';

const ISO = { strict: true, strictSeparator: true };

/**
 * Checks the window as a whole, on the field that makes it wrong: `to` when it is not after `from`
 * or too far from it; `from` when only it is given (the window then ends now).
 */
export function IsValidRange(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isValidRange',
      target: object.constructor,
      propertyName,
      options,
      validator: {
        validate(_: unknown, args: ValidationArguments) {
          return rangeMessage(args.object as { from?: string; to?: string }, propertyName) === null;
        },
        defaultMessage(args: ValidationArguments) {
          return (
            rangeMessage(args.object as { from?: string; to?: string }, propertyName) ?? 'invalid time range'
          );
        },
      },
    });
}

function rangeMessage(query: { from?: string; to?: string }, property: string): string | null {
  const problem = rangeProblem(resolveRange(query.from, query.to));
  if (!problem) return null;
  if (problem.field === property) return problem.problem;
  // Without `to` the window ends now, so a window that is empty or too long is `from`'s fault.
  if (property === 'from' && query.to === undefined) {
    return problem.problem
      .replace(/^to must be after from$/, 'from must be in the past')
      .replace(/^to must be at most (\d+) days after from$/, 'from must be at most $1 days ago');
  }
  return null;
}

export class TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: 'Start (ISO-8601 with zone); default: 30 days before `to`',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: 'from must be an ISO-8601 date-time' })
  @IsValidRange()
  from?: string;

  @ApiPropertyOptional({
    description: `End, exclusive (ISO-8601 with zone); default: the end of the current hour. At most ${MAX_RANGE_DAYS} days after from.`,
    example: '2026-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: 'to must be an ISO-8601 date-time' })
  @IsValidRange()
  to?: string;
}

export class PagedRangeQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({ default: 200, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class EventsQueryDto extends PagedRangeQueryDto {
  @ApiPropertyOptional({ enum: ['hour', 'day'], default: 'hour', description: 'Time bucket (UTC)' })
  @IsOptional()
  @IsIn(['hour', 'day'], { message: 'bucket must be one of: hour, day' })
  bucket?: 'hour' | 'day';

  @ApiPropertyOptional({ enum: ['type', 'country'], default: 'type', description: 'Second grouping' })
  @IsOptional()
  @IsIn(['type', 'country'], { message: 'groupBy must be one of: type, country' })
  groupBy?: 'type' | 'country';

  @ApiPropertyOptional({ description: 'Only this event type', example: 'auth.login.failed' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, {
    message: 'type must be a dotted event type such as auth.login.failed',
  })
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({
    description: "Only this country (ISO-3166 alpha-2; '--' for unknown)",
    example: 'DE',
  })
  @IsOptional()
  @Matches(/^([A-Z]{2}|--)$/, { message: "country must be an ISO-3166 alpha-2 code (or '--')" })
  country?: string;
}

export class ViolationTrendsQueryDto extends PagedRangeQueryDto {
  @ApiPropertyOptional({ example: 'GDPR' }) @IsOptional() @IsString() @MaxLength(64) framework?: string;
  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES, { message: `severity must be one of: ${SEVERITIES.join(', ')}` })
  severity?: string;
}

export class TopRiskQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'Only viewers in this risk tier' })
  @IsOptional()
  @IsIn(SEVERITIES, { message: `tier must be one of: ${SEVERITIES.join(', ')}` })
  tier?: string;

}

export class ViewerParamDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9_.:@-]{1,200}$', example: 'v-1505752a89' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:@-]{1,200}$/, {
    message: 'userId must be 1-200 characters of letters, digits and _ . : @ -',
  })
  userId: string;
}

export class PerformanceQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({
    enum: ['hour', 'day'],
    default: 'hour',
    description: 'Time bucket of the throughput series',
  })
  @IsOptional()
  @IsIn(['hour', 'day'], { message: 'bucket must be one of: hour, day' })
  bucket?: 'hour' | 'day';
}
