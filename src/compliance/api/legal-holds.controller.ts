import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { CreateLegalHoldDto, LegalHoldIdParam, LegalHoldsQueryDto } from './legal-holds.dto';

const WRITERS = [Role.ComplianceOfficer, Role.Admin];
const READERS = [...WRITERS, Role.Auditor, Role.Analyst];

@ApiTags('compliance legal holds')
@Controller('compliance/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldsService) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Place a legal hold on a viewer (all their data) or one record (data category or data-subject request): ' +
      'retention and erasure-deadline findings are suspended while it is active (audited)',
  })
  create(@Body() body: CreateLegalHoldDto, @Ctx() ctx: RequestContext) {
    return this.holds.create(body, ctx);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Legal holds, newest first; active ones by default' })
  list(@Query() q: LegalHoldsQueryDto) {
    return this.holds.list(
      { viewerId: q.viewerId, status: q.status ?? 'active' },
      { limit: q.limit ?? 50, offset: q.offset ?? 0 },
    );
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One legal hold (audited read)' })
  get(@Param() p: LegalHoldIdParam, @Ctx() ctx: RequestContext) {
    return this.holds.get(p.id, ctx);
  }

  @Post(':id/release')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'End a legal hold now (audited); 409 when it has already ended' })
  release(@Param() p: LegalHoldIdParam, @Ctx() ctx: RequestContext) {
    return this.holds.release(p.id, ctx);
  }
}
