import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AlertPayload, emailMessage, slackMessage } from '../domain/alert-message';
import { TargetAddressPolicy } from '../domain/target-address-policy';
import { WebhookSigner } from '../domain/webhook-signer';
import { DeliveryFailure, MAX_ERROR_BODY, postGuarded } from './guarded-http';

export type ChannelType = 'webhook' | 'slack' | 'email';

export interface ChannelTarget {
  id: string;
  type: ChannelType;
  target: string;
  secret: string | null;
}

export interface OutgoingAlert {
  alertId: string;
  /** the Standard Webhooks message id: the same on every attempt and redelivery */
  messageId: string;
  payload: AlertPayload;
}

/** Renders an alert for a channel type and sends it: signed webhook, Slack incoming webhook, or e-mail. */
@Injectable()
export class ChannelSenders implements OnModuleDestroy {
  readonly policy: TargetAddressPolicy;
  private mailer: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.policy = new TargetAddressPolicy(config.alerting.webhookAllowlist);
  }

  async send(channel: ChannelTarget, alert: OutgoingAlert): Promise<{ httpStatus: number | null }> {
    const timeout = this.config.alerting.deliveryTimeoutMs;
    switch (channel.type) {
      case 'webhook': {
        if (!channel.secret) throw new DeliveryFailure('webhook channel has no signing secret', null, true);
        const body = JSON.stringify(alert.payload);
        const headers = WebhookSigner.headers(
          channel.secret,
          alert.messageId,
          Math.floor(Date.now() / 1000),
          body,
        );
        return postGuarded(this.policy, channel.target, body, headers, timeout);
      }
      case 'slack':
        return postGuarded(
          this.policy,
          channel.target,
          JSON.stringify(slackMessage(alert.payload)),
          { 'webhook-id': alert.messageId },
          timeout,
        );
      case 'email':
        await this.sendMail(channel, alert);
        return { httpStatus: null };
    }
  }

  private async sendMail(channel: ChannelTarget, alert: OutgoingAlert): Promise<void> {
    const { smtpUrl, smtpFrom, deliveryTimeoutMs } = this.config.alerting;
    if (!smtpUrl) throw new DeliveryFailure('e-mail channels need SMTP_URL to be configured', null, true);
    this.mailer ??= nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: deliveryTimeoutMs,
      greetingTimeout: deliveryTimeoutMs,
      socketTimeout: deliveryTimeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    const message = emailMessage(alert.payload);
    try {
      await this.mailer.sendMail({
        from: smtpFrom,
        to: channel.target
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${alert.messageId}.${channel.id}@ott-compliance>`,
        headers: { 'X-OTT-Alert-Id': alert.alertId, 'X-OTT-Message-Id': alert.messageId },
      });
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  onModuleDestroy(): void {
    this.mailer?.close();
  }
}

/**
 * An SMTP server's reply is the receiver's answer, like a webhook's error body: it is kept apart
 * from the message (readable by admins and operators only). 5xx replies (bad recipient, refused
 * sender) do not heal by retrying.
 */
export function smtpFailure(error: unknown): DeliveryFailure {
  const { responseCode, response, code } = error as { responseCode?: number; response?: unknown; code?: string };
  const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  if (typeof response === 'string' && response)
    return new DeliveryFailure(
      `SMTP ${responseCode ?? 'error'}${code ? ` (${code})` : ''}`,
      null,
      permanent,
      response.slice(0, MAX_ERROR_BODY),
    );
  return new DeliveryFailure(`SMTP: ${(error as Error).message}`, null, permanent);
}
