import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { CasesService } from '../cases.service';
import { AssignDto, CommentDto, FalsePositiveDto, ResolveDto, ViolationQueryDto } from './violations.dto';

const READERS = [Role.ComplianceOfficer, Role.Admin, Role.Analyst, Role.Auditor];
const WRITERS = [Role.ComplianceOfficer, Role.Admin];
const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

@ApiTags('violations')
@Controller('violations')
export class ViolationsController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Violations, most recently seen first; filters and offset paging (hasMore)' })
  list(@Query() q: ViolationQueryDto) {
    return this.cases.list({
      framework: q.framework,
      severity: q.severity,
      status: q.status,
      kind: q.kind,
      userId: q.userId,
      ruleId: q.rule,
      assignedTo: q.assignedTo,
      from: q.from,
      to: q.to,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'One violation with its evidence events, findings, history and alerts (the read is audited)',
  })
  @ApiNotFoundResponse({ description: 'No such violation' })
  get(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.cases.get(id, ctx);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Assign the case to a compliance officer or admin' })
  @ApiConflictResponse({ description: 'The case is closed' })
  assign(@Param('id', uuid) id: string, @Body() dto: AssignDto, @Ctx() ctx: RequestContext) {
    return this.cases.assign(id, dto.userId, ctx);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Acknowledge an open case (stops the unacknowledged-critical escalation)' })
  @ApiConflictResponse({ description: 'The case is not open' })
  acknowledge(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.cases.acknowledge(id, ctx);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Resolve the case; a later repeat opens a new case linked to this one' })
  @ApiConflictResponse({ description: 'The case is already closed' })
  resolve(@Param('id', uuid) id: string, @Body() dto: ResolveDto, @Ctx() ctx: RequestContext) {
    return this.cases.resolve(id, dto.note, ctx);
  }

  @Post(':id/false-positive')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Close the case as a false positive (reason required); the verdict goes to ml_labels',
  })
  @ApiConflictResponse({ description: 'The case is already closed' })
  falsePositive(@Param('id', uuid) id: string, @Body() dto: FalsePositiveDto, @Ctx() ctx: RequestContext) {
    return this.cases.markFalsePositive(id, dto.reason, ctx);
  }

  @Post(':id/comments')
  @HttpCode(201)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Add a comment to the case history' })
  comment(@Param('id', uuid) id: string, @Body() dto: CommentDto, @Ctx() ctx: RequestContext) {
    return this.cases.comment(id, dto.text, ctx);
  }
}
