import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, Principal, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { AlertDispatcher } from './alert-dispatcher';
import { alertPayload } from './domain/alert-message';
import { AlertChannelsRepository } from './persistence/alert-channels.repository';
import { AlertFilter, AlertsRepository, DeliveryVisibility } from './persistence/alerts.repository';

/**
 * Who may read what a receiver answered to a failed delivery: it is the receiver's text (stack
 * traces, echoed payloads, internal names), needed to fix a channel, not to review alerts.
 */
const RESPONSE_BODY_READERS: readonly Role[] = [Role.Admin, Role.Operator];

export function deliveryVisibility(principal: Principal | undefined): DeliveryVisibility {
  return { responseBodies: !!principal?.roles.some((role) => RESPONSE_BODY_READERS.includes(role)) };
}

/** Alerts as the API sees them: listing with delivery state, redelivery, channel tests. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly store: AlertsRepository,
    private readonly channels: AlertChannelsRepository,
    private readonly dispatcher: AlertDispatcher,
    private readonly audit: AuditLog,
  ) {}

  async list(filter: AlertFilter, reader: Principal | undefined) {
    const rows = await this.store.list({ ...filter, limit: filter.limit + 1 }, deliveryVisibility(reader));
    return {
      items: rows.slice(0, filter.limit),
      limit: filter.limit,
      offset: filter.offset,
      hasMore: rows.length > filter.limit,
    };
  }

  async get(id: string, reader: Principal | undefined) {
    const alert = await this.store.find(id, deliveryVisibility(reader));
    if (!alert) throw new NotFoundException(`no alert ${id}`);
    return alert;
  }

  /** Sends an alert again to its channels (or one of them), with the same webhook-id. */
  async redeliver(id: string, channelId: string | undefined, ctx: RequestContext) {
    const alert = await this.get(id, ctx.principal);
    const targeted = alert.channelIds as string[];
    if (channelId && !targeted.includes(channelId))
      throw new BadRequestException(`alert ${id} was not routed to channel ${channelId}`);
    const channels = channelId ? [channelId] : targeted;
    if (channels.length === 0) throw new BadRequestException(`alert ${id} was routed to no channel`);
    await this.dispatcher.redeliver(id, channels);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'alerting.alert.redelivered',
      targetType: 'alert',
      targetId: id,
      details: { channels },
    });
    return { alertId: id, messageId: alert.messageId, channels, enqueued: channels.length };
  }

  /** A 'test' alert (no violation) to one channel, through the real delivery path. */
  async testChannel(channelId: string, ctx: RequestContext) {
    const channel = await this.channels.findChannel(channelId);
    if (!channel) throw new NotFoundException(`no channel ${channelId}`);
    const id = randomUUID();
    const now = new Date();
    await this.store.insertTestAlert({
      id,
      violationId: null,
      dedupKey: `test:${channelId}:${id}`,
      reason: 'test',
      severity: 'low',
      suppressedCount: 0,
      payload: alertPayload(
        { id, reason: 'test', severity: 'low', suppressedCount: 0, createdAt: now },
        null,
      ),
      windowEndsAt: now,
      channelIds: [channelId],
      routeIds: [],
      createdAt: now,
    });
    await this.dispatcher.dispatchIds([id]);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'alerting.channel.tested',
      targetType: 'alert_channel',
      targetId: channelId,
      details: { alertId: id },
    });
    return { alertId: id, channelId, messageId: `msg_${id.replaceAll('-', '')}` };
  }
}
