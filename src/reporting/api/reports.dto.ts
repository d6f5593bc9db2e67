import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsValidRange } from '../../analytics/api/analytics.dto';
import { MAX_RANGE_DAYS } from '../../analytics/domain/time-range';
import { REPORT_FORMATS, REPORT_TYPES, ReportFormat, ReportType } from '../content/report-kinds';

const ISO = { strict: true, strictSeparator: true };
const STATUSES = ['queued', 'running', 'done', 'failed'];

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_TYPES })
  @IsIn(REPORT_TYPES, { message: `type must be one of: ${REPORT_TYPES.join(', ')}` })
  type: ReportType;

  @ApiProperty({ enum: REPORT_FORMATS })
  @IsIn(REPORT_FORMATS, { message: `format must be one of: ${REPORT_FORMATS.join(', ')}` })
  format: ReportFormat;

  @ApiProperty({ description: 'Start of the period (ISO-8601 with zone)', example: '2026-03-01T00:00:00Z' })
  @IsISO8601(ISO, { message: 'from must be an ISO-8601 date-time' })
  @IsValidRange()
  from: string;

  @ApiProperty({
    description: `End of the period, exclusive; at most ${MAX_RANGE_DAYS} days after from`,
    example: '2026-03-31T00:00:00Z',
  })
  @IsISO8601(ISO, { message: 'to must be an ISO-8601 date-time' })
  @IsValidRange()
  to: string;
}

export class ReportsQueryDto {
  @ApiPropertyOptional({ enum: REPORT_TYPES })
  @IsOptional()
  @IsIn(REPORT_TYPES, { message: `type must be one of: ${REPORT_TYPES.join(', ')}` })
  type?: ReportType;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: `status must be one of: ${STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class ReportIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a report id (UUID)' }) id: string;
}
