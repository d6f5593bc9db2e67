import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { AlertingAdminService } from '../alerting-admin.service';
import { AlertsService } from '../alerts.service';
import { CreateChannelDto, UpdateChannelDto } from './alerting.dto';

const READERS = [Role.Admin, Role.ComplianceOfficer, Role.Auditor, Role.Operator];
const WRITERS = [Role.Admin, Role.ComplianceOfficer];
const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

@ApiTags('alert channels')
@Controller('alerts/channels')
export class ChannelsController {
  constructor(
    private readonly admin: AlertingAdminService,
    private readonly alerts: AlertsService,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Channels (never their secrets; targets masked to scheme, host and the start of the path)',
  })
  list() {
    return this.admin.listChannels();
  }

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Create a channel; a webhook gets a whsec_ signing secret, shown only in this answer, and the full target is shown only in this answer too',
  })
  @ApiCreatedResponse({
    schema: { example: { channel: { id: '…', name: 'SOC webhook', type: 'webhook' }, secret: 'whsec_…' } },
  })
  @ApiConflictResponse({ description: 'The name is taken' })
  create(@Body() dto: CreateChannelDto, @Ctx() ctx: RequestContext) {
    return this.admin.createChannel(dto, ctx);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One channel, its target masked' })
  get(@Param('id', uuid) id: string) {
    return this.admin.getChannel(id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Rename, retarget (checked again) or enable/disable a channel; the answer shows the target masked, and sending the masked target back leaves it unchanged',
  })
  update(@Param('id', uuid) id: string, @Body() dto: UpdateChannelDto, @Ctx() ctx: RequestContext) {
    return this.admin.updateChannel(id, dto, ctx);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Replace a webhook channel secret; the new one is shown only in this answer' })
  rotate(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.admin.rotateSecret(id, ctx);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Delete a channel (kept for the delivery log; removed from routes)' })
  async remove(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext): Promise<void> {
    await this.admin.deleteChannel(id, ctx);
  }

  @Post(':id/test')
  @HttpCode(202)
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Send a test alert to the channel through the real delivery path; follow it at GET /alerts/{alertId}',
  })
  test(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.alerts.testChannel(id, ctx);
  }
}
