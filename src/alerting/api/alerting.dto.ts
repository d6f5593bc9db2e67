import { IsIsoDateTime } from '../../common/http/iso-date';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SEVERITIES, Severity } from '../../violations/domain/severity';
import { ALERT_REASONS, AlertReason } from '../domain/alert-planner';

const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
const NAME = /^[\p{L}\p{N} ._\-/()]+$/u;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateChannelDto {
  @ApiProperty({ example: 'SOC webhook' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'name may hold letters, digits, spaces and . _ - / ( )' })
  name: string;

  @ApiProperty({ enum: CHANNEL_TYPES }) @IsIn(CHANNEL_TYPES) type: (typeof CHANNEL_TYPES)[number];

  @ApiProperty({
    description:
      'webhook/slack: an http(s) URL resolving to public addresses (or allow-listed); email: comma-separated addresses',
    example: 'https://hooks.example.com/ott',
  })
  @IsString()
  @Length(3, 2000)
  target: string;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

/** A channel's name, target and switch, each optional (its type is fixed once made). */
export class UpdateChannelDto extends PartialType(OmitType(CreateChannelDto, ['type'] as const)) {}

export class CreateRouteDto {
  @ApiProperty({ example: 'Critical GDPR to SOC' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(NAME, { message: 'name may hold letters, digits, spaces and . _ - / ( )' })
  name: string;

  @ApiProperty({ enum: SEVERITIES, description: 'alerts at or above this severity' })
  @IsIn(SEVERITIES)
  minSeverity: Severity;

  @ApiPropertyOptional({ type: [String], description: 'empty = every framework', example: ['GDPR'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  frameworks?: string[];

  @ApiPropertyOptional({ type: [String], description: 'empty = every rule' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  ruleIds?: string[];

  @ApiPropertyOptional({
    enum: ALERT_REASONS,
    isArray: true,
    description: 'empty = every reason (e.g. only "unacknowledged" for an on-call pager)',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ALERT_REASONS, { each: true })
  reasons?: AlertReason[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  channelIds: string[];

  @ApiPropertyOptional({
    default: 900,
    description: 'repeats of an alerted violation within this window only raise its suppressed count',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86_400)
  suppressionWindowSeconds?: number;

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

/** Every field of a route, each optional: the fields given replace the stored ones. */
export class UpdateRouteDto extends PartialType(CreateRouteDto) {}

export class AlertQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ALERT_REASONS }) @IsOptional() @IsIn(ALERT_REASONS) reason?: AlertReason;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: Severity;
  @ApiPropertyOptional() @IsOptional() @IsUUID() violationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() channelId?: string;
  @ApiPropertyOptional({
    enum: ['pending', 'delivered', 'failed', 'dead'],
    description: 'the latest attempt on some channel has this status',
  })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed', 'dead'])
  deliveryStatus?: 'pending' | 'delivered' | 'failed' | 'dead';
  @ApiPropertyOptional()
  @IsOptional()
  @IsIsoDateTime()
  from?: Date;
  @ApiPropertyOptional()
  @IsOptional()
  @IsIsoDateTime()
  to?: Date;
}

export class RedeliverDto {
  @ApiPropertyOptional({ description: 'only this channel (default: every channel the alert was routed to)' })
  @IsOptional()
  @IsUUID()
  channelId?: string;
}

export class StreamQueryDto {
  @ApiPropertyOptional({ enum: SEVERITIES, default: 'low' })
  @IsOptional()
  @IsIn(SEVERITIES)
  minSeverity?: Severity;
}
