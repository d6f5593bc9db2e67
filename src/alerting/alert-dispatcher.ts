import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AlertStream } from './alert-stream';
import { ALERT_DELIVERY_QUEUE, DeliveryJob, deliveryJobId } from './delivery.constants';
import { AlertsRepository, DispatchRow } from './persistence/alerts.repository';

/**
 * Sends committed alerts on their way: one delivery job per channel, straight onto the delivery queue
 * (no polling in between), and a message on the live stream. Jobs first, mark after: a crash in
 * between re-dispatches, and the deterministic job ids make that a no-op.
 */
@Injectable()
export class AlertDispatcher {
  private readonly logger = new Logger(AlertDispatcher.name);

  constructor(
    private readonly store: AlertsRepository,
    private readonly stream: AlertStream,
    @InjectQueue(ALERT_DELIVERY_QUEUE) private readonly deliveries: Queue<DeliveryJob>,
  ) {}

  async dispatchBatch(batchId: string): Promise<number> {
    return this.send(await this.store.undispatched({ batchId }));
  }

  async dispatchIds(ids: string[]): Promise<number> {
    return ids.length === 0 ? 0 : this.send(await this.store.undispatched({ ids }));
  }

  /** Safety net: alerts whose dispatch a crash interrupted. */
  async dispatchStale(createdBefore: Date): Promise<number> {
    const count = await this.send(await this.store.undispatched({ createdBefore }));
    if (count > 0) this.logger.warn({ count }, 're-dispatched alerts a crash had left behind');
    return count;
  }

  /** An operator's redelivery: new jobs (fresh ids), the same message id, so receivers can still dedupe. */
  async redeliver(alertId: string, channelIds: string[]): Promise<void> {
    const stamp = Date.now();
    await this.deliveries.addBulk(
      channelIds.map((channelId) => ({
        name: 'deliver',
        data: { alertId, channelId, redelivery: true },
        opts: { jobId: `${deliveryJobId(alertId, channelId)}.r${stamp}` },
      })),
    );
  }

  private async send(rows: DispatchRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const jobs = rows.flatMap((alert) =>
      alert.channelIds.map((channelId) => ({
        name: 'deliver',
        data: { alertId: alert.id, channelId },
        opts: { jobId: deliveryJobId(alert.id, channelId) },
      })),
    );
    if (jobs.length > 0) await this.deliveries.addBulk(jobs);
    await this.stream
      .publish(
        rows.map((a) => ({
          id: a.id,
          reason: a.reason,
          severity: a.severity,
          violationId: a.violationId,
          createdAt: a.createdAt.toISOString(),
          payload: a.payload,
        })),
      )
      .catch((error: Error) =>
        this.logger.warn(`cannot publish alerts to the live stream: ${error.message}`),
      );
    await this.store.markDispatched(rows.map((a) => a.id));
    return rows.length;
  }
}
