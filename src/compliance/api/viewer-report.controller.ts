import { Controller, Get, Headers, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import type { ViewerReport } from '../domain/viewer-report';
import { viewerReportPdf } from '../viewers/viewer-report-pdf';
import { ViewerReportService } from '../viewers/viewer-report.service';
import { ViewerIdParam } from './compliance.dto';
import { ViewerReportQueryDto } from './viewer-report.dto';

@ApiTags('compliance viewers')
@Roles(Role.ComplianceOfficer, Role.Admin)
@Controller('compliance/viewers')
export class ViewerReportController {
  constructor(private readonly reports: ViewerReportService) {}

  @Get(':userId/report')
  @ApiProduces('application/json', 'application/pdf')
  @ApiOperation({
    summary:
      'What the platform holds about a viewer and who received it: data categories, purposes and consent history, every recipient, requests, retention dates and legal holds (JSON, or PDF with ?format=pdf or Accept: application/pdf; audited)',
  })
  async report(
    @Param() p: ViewerIdParam,
    @Query() q: ViewerReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<ViewerReport | StreamableFile> {
    const format =
      q.format ?? (accept !== undefined && /\bapplication\/pdf\b/i.test(accept) ? 'pdf' : 'json');
    const report = await this.reports.report(p.userId, { requestId: q.requestId, format }, ctx);
    if (format === 'json') return report;
    const pdf = await viewerReportPdf(report);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="viewer-report_${p.userId}.pdf"`,
      length: pdf.length,
    });
  }
}
