import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, Observable, share, startWith, takeUntil } from 'rxjs';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { LiveSessions } from '../../security/auth/live-sessions';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { AlertStream } from '../alert-stream';
import { AlertsService } from '../alerts.service';
import { AlertQueryDto, RedeliverDto, StreamQueryDto } from './alerting.dto';

const READERS = [Role.ComplianceOfficer, Role.Admin, Role.Analyst, Role.Auditor, Role.Operator];
const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });
const HEARTBEAT_MS = 15_000;
const RESPONSE_BODY_NOTE =
  'A failed delivery carries `responseBody` (the first 512 bytes the receiver answered) for admins and operators only; other roles get the delivery without it.';

const STREAM_ROLES = [Role.ComplianceOfficer, Role.Admin, Role.Analyst, Role.Operator];

/** The live stream, declared before `alerts/:id` so its path is matched first. */
@ApiTags('alerts')
@Controller('alerts')
export class AlertStreamController {
  private readonly sessionCheckMs: number;

  constructor(
    private readonly alerts: AlertStream,
    private readonly sessions: LiveSessions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.sessionCheckMs = config.streamSessionCheckMs;
  }

  @Sse('stream')
  @Roles(...STREAM_ROLES)
  @ApiOperation({
    summary:
      'Server-Sent Events: one "alert" event per alert created anywhere in the cluster (at or above minSeverity), a "ready" event once subscribed, a "ping" every 15 s. ' +
      'The session is re-checked every 5 s: when the user is disabled, logs out, has the session revoked or loses the roles, an "end" event is sent and the stream closes.',
  })
  @ApiProduces('text/event-stream')
  async stream(@Query() q: StreamQueryDto, @Ctx() ctx: RequestContext): Promise<Observable<MessageEvent>> {
    const alerts = await this.alerts.stream(q.minSeverity ?? 'low');
    // Alerts carry viewer and violation data: the stream lives only as long as the session does.
    const ended = this.sessions.ended(ctx.principal!, STREAM_ROLES, this.sessionCheckMs).pipe(share());
    const live = merge(
      alerts.pipe(map((alert): MessageEvent => ({ id: alert.id, type: 'alert', data: alert }))),
      interval(HEARTBEAT_MS).pipe(
        map((): MessageEvent => ({ type: 'ping', data: { at: new Date().toISOString() } })),
      ),
    ).pipe(startWith({ type: 'ready', data: { minSeverity: q.minSeverity ?? 'low' } } as MessageEvent), takeUntil(ended));
    return merge(live, ended.pipe(map((reason): MessageEvent => ({ type: 'end', data: { reason } }))));
  }
}

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Alerts, newest first, each with the delivery state per channel; filters and offset paging',
    description: RESPONSE_BODY_NOTE,
  })
  list(@Query() q: AlertQueryDto, @Ctx() ctx: RequestContext) {
    return this.alerts.list({ ...q, limit: q.limit ?? 50, offset: q.offset ?? 0 }, ctx.principal);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One alert with its payload and every delivery attempt', description: RESPONSE_BODY_NOTE })
  @ApiNotFoundResponse({ description: 'No such alert' })
  get(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.alerts.get(id, ctx.principal);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @Roles(Role.Admin, Role.ComplianceOfficer, Role.Operator)
  @ApiOperation({ summary: 'Deliver the alert again (same webhook-id, so receivers can dedupe)' })
  @ApiOkResponse({ schema: { example: { alertId: '…', messageId: 'msg_…', channels: ['…'], enqueued: 1 } } })
  redeliver(@Param('id', uuid) id: string, @Body() dto: RedeliverDto, @Ctx() ctx: RequestContext) {
    return this.alerts.redeliver(id, dto.channelId, ctx);
  }
}
