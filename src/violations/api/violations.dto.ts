import { IsIsoDateTime } from '../../common/http/iso-date';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { SEVERITIES, Severity } from '../domain/severity';
import { ViolationStatus } from '../domain/violation-planner';

const STATUSES: ViolationStatus[] = ['open', 'acknowledged', 'resolved', 'false_positive'];
const KINDS = ['compliance', 'ml', 'security'];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class ViolationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'GDPR' }) @IsOptional() @IsString() @MaxLength(64) framework?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: Severity;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: ViolationStatus;
  @ApiPropertyOptional({ enum: KINDS }) @IsOptional() @IsIn(KINDS) kind?: string;
  @ApiPropertyOptional({ description: 'The viewer (pseudonymous id)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  userId?: string;
  @ApiPropertyOptional({ description: 'Rule id (or attack pattern / model rule id)', example: 'GDPR-01' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  rule?: string;
  @ApiPropertyOptional({ description: 'Assignee (users.id)' }) @IsOptional() @IsUUID() assignedTo?: string;
  @ApiPropertyOptional({ description: 'Cases last seen at or after this time' })
  @IsOptional()
  @IsIsoDateTime()
  from?: Date;
  @ApiPropertyOptional({ description: 'Cases first seen before this time' })
  @IsOptional()
  @IsIsoDateTime()
  to?: Date;
}

export class AssignDto {
  @ApiProperty({ description: 'users.id of a compliance officer or admin' }) @IsUUID() userId: string;
}

export class ResolveDto {
  @ApiPropertyOptional({ description: 'How it was resolved', maxLength: 4000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  note?: string;
}

export class FalsePositiveDto {
  @ApiProperty({
    description: 'Why this is not a violation (fed back to the ML evaluation data)',
    maxLength: 4000,
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'reason is required' })
  @MaxLength(4000)
  reason: string;
}

export class CommentDto {
  @ApiProperty({ maxLength: 4000 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'text is required' })
  @MaxLength(4000)
  text: string;
}
