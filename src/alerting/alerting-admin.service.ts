import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import dns from 'node:dns/promises';
import net from 'node:net';
import { InvalidInputError } from '../common/domain/invalid-input';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { ChannelSenders, ChannelType } from './channels/channel-senders';
import { TargetRefused } from './domain/target-address-policy';
import { maskTarget } from './domain/target-mask';
import { WebhookSigner } from './domain/webhook-signer';
import { Transactions } from '../database/transactions';
import { AlertChannelsRepository, type ChannelView } from './persistence/alert-channels.repository';
import { AlertRoutesRepository, type RouteFields, type RouteView } from './persistence/alert-routes.repository';

const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;
const MAX_RECIPIENTS = 20;

/**
 * Channels and routes, edited by admins and compliance officers. Every change is audited in its own
 * transaction. Webhook and Slack targets are checked against the SSRF policy when saved (here) and
 * again when sent; webhook secrets are generated here and shown once. A target can carry a secret
 * too (Slack and most webhook services put a token in the URL): it is shown in full only in the
 * creation answer; every other answer and the audit log get it masked.
 */
@Injectable()
export class AlertingAdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly channels: AlertChannelsRepository,
    private readonly routes: AlertRoutesRepository,
    private readonly senders: ChannelSenders,
    private readonly audit: AuditLog,
  ) {}

  async listChannels(): Promise<ChannelView[]> {
    return (await this.channels.listChannels()).map(masked);
  }

  async getChannel(id: string): Promise<ChannelView> {
    return masked(await this.storedChannel(id));
  }

  private async storedChannel(id: string): Promise<ChannelView> {
    const channel = await this.channels.findChannel(id);
    if (!channel) throw new NotFoundException(`no channel ${id}`);
    return channel;
  }

  async createChannel(
    input: { name: string; type: ChannelType; target: string; enabled?: boolean },
    ctx: RequestContext,
  ): Promise<{ channel: ChannelView; secret?: string }> {
    const target = await this.checkTarget(input.type, input.target);
    const secret = input.type === 'webhook' ? WebhookSigner.generateSecret() : null;
    const channel = await this.transactions.run(async (tx) => {
      const created = await this.channels
        .insertChannel(tx, {
          name: input.name,
          type: input.type,
          target,
          secret,
          enabled: input.enabled ?? true,
          createdBy: actorName(ctx),
        })
        .catch(rethrowUnique(`a channel named "${input.name}" exists`));
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.channel.created',
          targetType: 'alert_channel',
          targetId: created.id,
          details: { name: created.name, type: created.type, target: maskTarget(target) },
        },
        tx,
      );
      return created;
    });
    return secret ? { channel, secret } : { channel };
  }

  async updateChannel(
    id: string,
    input: { name?: string; target?: string; enabled?: boolean },
    ctx: RequestContext,
  ): Promise<ChannelView> {
    const current = await this.storedChannel(id);
    // A client that sends back the masked target it was shown means "unchanged", not "this URL".
    const retargeted =
      input.target !== undefined && input.target.trim() !== maskTarget(current.target) ? input.target : undefined;
    const target = retargeted === undefined ? undefined : await this.checkTarget(current.type, retargeted);
    return this.transactions.run(async (tx) => {
      const updated = await this.channels
        .updateChannel(tx, id, { ...input, target })
        .catch(rethrowUnique(`a channel named "${input.name}" exists`));
      if (!updated) throw new NotFoundException(`no channel ${id}`);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.channel.updated',
          targetType: 'alert_channel',
          targetId: id,
          details: { ...input, target: target === undefined ? undefined : maskTarget(target) },
        },
        tx,
      );
      return masked(updated);
    });
  }

  /** A new signing secret, shown once; receivers must switch to it (the old one stops at once). */
  async rotateSecret(id: string, ctx: RequestContext): Promise<{ channel: ChannelView; secret: string }> {
    const current = await this.storedChannel(id);
    if (current.type !== 'webhook')
      throw new InvalidInputError([
        { field: 'type', problems: ['only webhook channels have a signing secret'] },
      ]);
    const secret = WebhookSigner.generateSecret();
    const channel = await this.transactions.run(async (tx) => {
      const updated = await this.channels.updateChannel(tx, id, { secret });
      if (!updated) throw new NotFoundException(`no channel ${id}`);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.channel.secret_rotated',
          targetType: 'alert_channel',
          targetId: id,
        },
        tx,
      );
      return updated;
    });
    return { channel: masked(channel), secret };
  }

  async deleteChannel(id: string, ctx: RequestContext): Promise<void> {
    await this.transactions.run(async (tx) => {
      const channel = await this.channels.findChannel(id, tx);
      if (!channel || !(await this.channels.softDelete(tx, id))) throw new NotFoundException(`no channel ${id}`);
      await this.routes.removeChannel(tx, id);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.channel.deleted',
          targetType: 'alert_channel',
          targetId: id,
          details: { name: channel.name, type: channel.type, target: maskTarget(channel.target) },
        },
        tx,
      );
    });
  }

  listRoutes(): Promise<RouteView[]> {
    return this.routes.listRoutes();
  }

  async getRoute(id: string): Promise<RouteView> {
    const route = await this.routes.findRoute(id);
    if (!route) throw new NotFoundException(`no route ${id}`);
    return route;
  }

  async createRoute(fields: RouteFields, ctx: RequestContext): Promise<RouteView> {
    await this.checkChannels(fields.channelIds);
    return this.transactions.run(async (tx) => {
      const route = await this.routes
        .insertRoute(tx, fields, actorName(ctx))
        .catch(rethrowUnique(`a route named "${fields.name}" exists`));
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.route.created',
          targetType: 'alert_route',
          targetId: route.id,
          details: { ...fields },
        },
        tx,
      );
      return route;
    });
  }

  async updateRoute(id: string, patch: Partial<RouteFields>, ctx: RequestContext): Promise<RouteView> {
    const current = await this.getRoute(id);
    const fields: RouteFields = {
      name: patch.name ?? current.name,
      minSeverity: patch.minSeverity ?? current.minSeverity,
      frameworks: patch.frameworks ?? current.frameworks,
      ruleIds: patch.ruleIds ?? current.ruleIds,
      reasons: patch.reasons ?? current.reasons,
      channelIds: patch.channelIds ?? current.channelIds,
      suppressionWindowSeconds: patch.suppressionWindowSeconds ?? current.suppressionWindowSeconds,
      enabled: patch.enabled ?? current.enabled,
    };
    if (patch.channelIds) await this.checkChannels(patch.channelIds);
    return this.transactions.run(async (tx) => {
      const route = await this.routes
        .updateRoute(tx, id, fields)
        .catch(rethrowUnique(`a route named "${fields.name}" exists`));
      if (!route) throw new NotFoundException(`no route ${id}`);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'alerting.route.updated',
          targetType: 'alert_route',
          targetId: id,
          details: { ...patch },
        },
        tx,
      );
      return route;
    });
  }

  async deleteRoute(id: string, ctx: RequestContext): Promise<void> {
    await this.transactions.run(async (tx) => {
      if (!(await this.routes.deleteRoute(tx, id))) throw new NotFoundException(`no route ${id}`);
      await this.audit.append(
        { ...auditActor(ctx), action: 'alerting.route.deleted', targetType: 'alert_route', targetId: id },
        tx,
      );
    });
  }

  /** Normalises a target and refuses one the channel type cannot use (400 naming the field). */
  async checkTarget(type: ChannelType, raw: string): Promise<string> {
    const target = raw.trim();
    if (type === 'email') {
      const recipients = target
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      const bad = recipients.filter((a) => !EMAIL.test(a));
      if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS || bad.length > 0) {
        throw new InvalidInputError([
          {
            field: 'target',
            problems: [
              `an e-mail channel's target is 1-${MAX_RECIPIENTS} comma-separated addresses${bad.length ? `; not addresses: ${bad.join(', ')}` : ''}`,
            ],
          },
        ]);
      }
      return recipients.join(', ');
    }
    const policy = this.senders.policy;
    try {
      const { host } = policy.checkUrl(target);
      if (!policy.hostAllowed(host)) {
        const addresses = net.isIP(host)
          ? [host]
          : (await dns.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
        policy.checkAddresses(host, addresses);
      }
    } catch (error) {
      if (error instanceof TargetRefused)
        throw new InvalidInputError([{ field: 'target', problems: [error.message] }]);
      throw error;
    }
    return target;
  }

  private async checkChannels(ids: string[]): Promise<void> {
    const missing = await this.channels.missingChannels(ids);
    if (missing.length > 0)
      throw new InvalidInputError([
        { field: 'channelIds', problems: [`no such channel: ${missing.join(', ')}`] },
      ]);
  }
}

/** A channel as every answer but the creation one shows it. */
function masked(channel: ChannelView): ChannelView {
  return { ...channel, target: maskTarget(channel.target) };
}

function actorName(ctx: RequestContext): string {
  return ctx.principal ? `user:${ctx.principal.userId}` : 'system';
}

function rethrowUnique(message: string) {
  return (error: unknown): never => {
    const code =
      (error as { driverError?: { code?: string }; code?: string }).driverError?.code ??
      (error as { code?: string }).code;
    if (code === '23505') throw new ConflictException(message);
    throw error;
  };
}
