import { BackgroundQueueName } from '../pipeline/pipeline.constants';

/** The queue of channel deliveries: one job per (alert, channel), retried with exponential backoff. */
export const ALERT_DELIVERY_QUEUE = BackgroundQueueName.alertDelivery;

export interface DeliveryJob {
  alertId: string;
  channelId: string;
  /** an operator's redelivery: send even if a previous attempt was delivered */
  redelivery?: boolean;
}

/** First dispatch of an alert to a channel: deterministic, so enqueuing it twice is a no-op. */
export function deliveryJobId(alertId: string, channelId: string): string {
  return `${alertId}.${channelId}`;
}
