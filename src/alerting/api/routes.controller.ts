import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { AlertingAdminService } from '../alerting-admin.service';
import { CreateRouteDto, UpdateRouteDto } from './alerting.dto';

const READERS = [Role.Admin, Role.ComplianceOfficer, Role.Auditor, Role.Operator];
const WRITERS = [Role.Admin, Role.ComplianceOfficer];
const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

@ApiTags('alert routes')
@Controller('alerts/routes')
export class RoutesController {
  constructor(private readonly admin: AlertingAdminService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Routing rules: which alerts (severity, framework, rule, reason) go to which channels',
  })
  list() {
    return this.admin.listRoutes();
  }

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Create a route' })
  @ApiConflictResponse({ description: 'The name is taken' })
  create(@Body() dto: CreateRouteDto, @Ctx() ctx: RequestContext) {
    return this.admin.createRoute(
      {
        name: dto.name,
        minSeverity: dto.minSeverity,
        frameworks: dto.frameworks ?? [],
        ruleIds: dto.ruleIds ?? [],
        reasons: dto.reasons ?? [],
        channelIds: dto.channelIds,
        suppressionWindowSeconds: dto.suppressionWindowSeconds ?? 900,
        enabled: dto.enabled ?? true,
      },
      ctx,
    );
  }

  @Get(':id')
  @Roles(...READERS)
  get(@Param('id', uuid) id: string) {
    return this.admin.getRoute(id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Change a route (fields given replace the stored ones)' })
  update(@Param('id', uuid) id: string, @Body() dto: UpdateRouteDto, @Ctx() ctx: RequestContext) {
    return this.admin.updateRoute(id, dto, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...WRITERS)
  async remove(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext): Promise<void> {
    await this.admin.deleteRoute(id, ctx);
  }
}
