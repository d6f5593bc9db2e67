import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN } from '../../ingestion/domain/event-formats';

export const VIEWER_REPORT_FORMATS = ['json', 'pdf'] as const;
export type ViewerReportFormat = (typeof VIEWER_REPORT_FORMATS)[number];

export class ViewerReportQueryDto {
  @ApiPropertyOptional({
    enum: VIEWER_REPORT_FORMATS,
    description: 'json (default) or pdf; `Accept: application/pdf` asks for the PDF too',
  })
  @IsOptional()
  @IsIn(VIEWER_REPORT_FORMATS, { message: 'format must be json or pdf' })
  format?: ViewerReportFormat;

  @ApiPropertyOptional({
    example: 'req-2026-0117',
    description:
      'A completed access request of this viewer: the report as handed over with it (built as of the ' +
      "request's completion on first read, then kept as delivered)",
  })
  @IsOptional()
  @IsString()
  @Length(1, IDENTIFIER_MAX_LENGTH, { message: `requestId must be 1 to ${IDENTIFIER_MAX_LENGTH} characters` })
  @Matches(IDENTIFIER_PATTERN, { message: 'requestId must be letters, digits, ".", "_", ":" or "-"' })
  requestId?: string;
}
