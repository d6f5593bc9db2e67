import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf } from 'class-validator';
import { IsIsoDateTime } from '../../common/http/iso-date';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN } from '../../ingestion/domain/event-formats';
import { HOLD_RECORD_TYPES, type HoldRecordType } from '../domain/legal-holds';

const REASON_MAX = 2000;

export class CreateLegalHoldDto {
  @ApiProperty({ description: 'The viewer whose data is held (pseudonymous id)', example: 'v-7f3a9c' })
  @IsString({ message: 'viewerId must be text' })
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `viewerId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, {
    message: 'viewerId must be a pseudonymous id: letters, digits, ".", "_", ":" or "-"',
  })
  viewerId: string;

  @ApiPropertyOptional({
    enum: HOLD_RECORD_TYPES,
    description:
      'Hold one record of the viewer instead of all their data: a data category, or a data-subject request. ' +
      'Given together with recordId.',
  })
  @ValidateIf((o: CreateLegalHoldDto) => o.recordType !== undefined || o.recordId !== undefined)
  @IsIn(HOLD_RECORD_TYPES, {
    message: `recordType must be one of: ${HOLD_RECORD_TYPES.join(', ')} (required with recordId)`,
  })
  recordType?: HoldRecordType;

  @ApiPropertyOptional({ description: 'The category name or the request id', example: 'viewing_history' })
  @ValidateIf((o: CreateLegalHoldDto) => o.recordType !== undefined || o.recordId !== undefined)
  @IsString({ message: 'recordId must be text (required with recordType)' })
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `recordId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, { message: 'recordId must be letters, digits, ".", "_", ":" or "-"' })
  recordId?: string;

  @ApiProperty({
    description: 'Why the data is kept (case, order, statute)',
    example: 'Litigation hold, case 2026-CV-1142',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'reason must be text' })
  @Length(1, REASON_MAX, { message: `reason must be 1 to ${REASON_MAX} characters (not blank)` })
  reason: string;

  @ApiPropertyOptional({
    description: 'When the hold ends by itself (ISO-8601, in the future); without it, until released',
    example: '2027-06-30T00:00:00Z',
  })
  @IsOptional()
  @IsIsoDateTime()
  endsAt?: Date;
}

export class LegalHoldsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this viewer' })
  @IsOptional()
  @IsString({ message: 'viewerId must be text' })
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `viewerId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, { message: 'viewerId must be a pseudonymous id' })
  viewerId?: string;

  @ApiPropertyOptional({ enum: ['active', 'ended', 'all'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'ended', 'all'], { message: 'status must be one of: active, ended, all' })
  status?: 'active' | 'ended' | 'all';
}

export class LegalHoldIdParam {
  @ApiProperty() @IsUUID('all', { message: 'id must be a UUID' }) id: string;
}
