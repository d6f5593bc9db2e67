import { Counter, Histogram, Metric, register } from 'prom-client';
import { pipelineMetrics } from '../metrics/pipeline-metrics';

function once<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

/** Alerting's own metrics on the default registry (shared by app instances in one process). */
export class AlertMetrics {
  readonly alertsRaised = once(
    'ott_alerts_raised_total',
    () =>
      new Counter({
        name: 'ott_alerts_raised_total',
        help: 'Alerts created, by reason and severity.',
        labelNames: ['reason', 'severity'],
      }),
  );

  readonly alertsSuppressed = once(
    'ott_alerts_suppressed_total',
    () =>
      new Counter({
        name: 'ott_alerts_suppressed_total',
        help: 'Occurrences folded into an open alert instead of sending another.',
      }),
  );

  /** Declared by the pipeline metrics (the Grafana dashboard reads it): channel type, outcome. */
  readonly deliveries = pipelineMetrics.alertDeliveries;

  readonly deliveryLatency = once(
    'ott_alert_delivery_seconds',
    () =>
      new Histogram({
        name: 'ott_alert_delivery_seconds',
        help: 'Time of one delivery attempt, by channel type.',
        labelNames: ['channel_type'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
  );

  readonly creationToDelivery = once(
    'ott_alert_creation_to_delivery_seconds',
    () =>
      new Histogram({
        name: 'ott_alert_creation_to_delivery_seconds',
        help: 'Time from an alert being created to its first successful delivery on a channel.',
        labelNames: ['channel_type'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      }),
  );
}
