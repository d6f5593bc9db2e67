import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { AlertDeliveryService, DeliveryOutcome } from './alert-delivery.service';
import { ALERT_DELIVERY_QUEUE, DeliveryJob } from '../delivery.constants';

/** Worker of the delivery queue: checks nothing itself, hands each job to the delivery service. */
@Processor({ name: ALERT_DELIVERY_QUEUE }, { concurrency: 16, lockDuration: 60_000 })
export class AlertDeliveryProcessor extends WorkerHost implements BeforeApplicationShutdown {
  constructor(private readonly delivery: AlertDeliveryService) {
    super();
  }

  process(job: Job<DeliveryJob>): Promise<DeliveryOutcome> {
    return this.delivery.attempt(job);
  }

  /**
   * Lets the attempts in flight finish and log themselves before the database pool closes: the
   * application-shutdown hooks (pool, workers) run in module order, which does not put workers first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
