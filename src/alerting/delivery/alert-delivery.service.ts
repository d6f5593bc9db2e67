import { Injectable, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { AlertMetrics } from '../alert-metrics';
import { ChannelSenders } from '../channels/channel-senders';
import { DeliveryFailure } from '../channels/guarded-http';
import { AlertDeliveriesRepository } from '../persistence/alert-deliveries.repository';
import { DeliveryJob } from '../delivery.constants';

export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'skipped';

/**
 * One delivery attempt of one alert to one channel. It re-reads the alert and the channel (the
 * secret may have been rotated, the channel disabled), logs the attempt with its latency, and lets
 * BullMQ retry with backoff by throwing; the last attempt, or a permanent refusal, is logged 'dead'.
 */
@Injectable()
export class AlertDeliveryService {
  private readonly logger = new Logger(AlertDeliveryService.name);

  constructor(
    private readonly log: AlertDeliveriesRepository,
    private readonly senders: ChannelSenders,
    private readonly metrics: AlertMetrics,
  ) {}

  async attempt(job: Job<DeliveryJob>): Promise<DeliveryOutcome> {
    const { alertId, channelId, redelivery } = job.data ?? ({} as DeliveryJob);
    if (typeof alertId !== 'string' || typeof channelId !== 'string')
      throw new UnrecoverableError(`delivery job ${job.id} lacks alertId or channelId`);
    const { alert, channel } = await this.log.target(alertId, channelId);
    if (!alert) return 'skipped';
    // A retry after a crash that followed a successful send must not send again.
    if (!redelivery && (await this.log.delivered(alertId, channelId))) return 'already-delivered';
    if (!channel || !channel.usable) {
      if (channel)
        await this.log.record({
          alertId,
          channelId,
          messageId: alert.messageId,
          status: 'dead',
          httpStatus: null,
          latencyMs: null,
          error: 'channel is disabled or deleted',
          responseBody: null,
        });
      return 'skipped';
    }
    const started = performance.now();
    let httpStatus: number | null;
    try {
      ({ httpStatus } = await this.senders.send(channel, {
        alertId,
        messageId: alert.messageId,
        payload: alert.payload,
      }));
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      const failure =
        error instanceof DeliveryFailure ? error : new DeliveryFailure((error as Error).message);
      const last = failure.permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const status = last ? 'dead' : 'failed';
      await this.log.record({
        alertId,
        channelId,
        messageId: alert.messageId,
        status,
        httpStatus: failure.httpStatus,
        latencyMs,
        error: failure.message,
        responseBody: failure.responseBody,
      });
      this.metrics.deliveries.inc({ channel: channel.type, outcome: status });
      if (last)
        this.logger.warn({ alertId, channelId, error: failure.message }, 'alert delivery dead-lettered');
      throw failure.permanent ? new UnrecoverableError(failure.message) : failure;
    }
    // Sent: from here on nothing may throw into a retry, which would send the alert again.
    const latencyMs = Math.round(performance.now() - started);
    try {
      await this.log.record({
        alertId,
        channelId,
        messageId: alert.messageId,
        status: 'delivered',
        httpStatus,
        latencyMs,
        error: null,
        responseBody: null,
      });
    } catch (error) {
      this.logger.error(
        { alertId, channelId, error: (error as Error).message },
        'alert delivered but its delivery could not be logged',
      );
    }
    this.metrics.deliveries.inc({ channel: channel.type, outcome: 'delivered' });
    this.metrics.deliveryLatency.observe({ channel_type: channel.type }, latencyMs / 1000);
    if (!redelivery)
      this.metrics.creationToDelivery.observe(
        { channel_type: channel.type },
        (Date.now() - alert.createdAt.getTime()) / 1000,
      );
    return 'delivered';
  }
}
