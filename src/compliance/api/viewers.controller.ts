import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { ViewerRecordsService } from '../viewers/viewer-records.service';
import { LedgerQueryDto, RequestsQueryDto, ViewerIdParam } from './compliance.dto';

@ApiTags('compliance viewers')
@Roles(Role.ComplianceOfficer, Role.Admin, Role.Analyst, Role.Auditor)
@Controller('compliance/viewers')
export class ViewersController {
  constructor(private readonly records: ViewerRecordsService) {}

  @Get(':userId/consents')
  @ApiOperation({
    summary: "A viewer's consent ledger: the latest decision per purpose and the full history (audited read)",
  })
  consents(@Param() p: ViewerIdParam, @Query() q: LedgerQueryDto, @Ctx() ctx: RequestContext) {
    return this.records.consents(p.userId, q.limit ?? 100, q.offset ?? 0, ctx);
  }

  @Get(':userId/requests')
  @ApiOperation({
    summary: "A viewer's data-subject requests with their calendar and due dates (audited read)",
  })
  requests(@Param() p: ViewerIdParam, @Query() q: RequestsQueryDto, @Ctx() ctx: RequestContext) {
    return this.records.requests(p.userId, q.status ?? 'open', ctx);
  }
}
