import { Counter, Gauge, Histogram, Metric, register } from 'prom-client';

/**
 * The product's own metrics. Created against prom-client's default registry (the one
 * /metrics exposes), reusing an existing metric of the same name, so several app instances in
 * one process (tests) share them. Label values are bounded sets: never viewer ids or raw paths.
 */
function once<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class PipelineMetrics {
  readonly httpDuration = once(
    'ott_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'ott_http_request_duration_seconds',
        help: 'HTTP request duration by method, route template and status code.',
        labelNames: ['method', 'route', 'status_code'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly eventsIngested = once(
    'ott_events_ingested_total',
    () => new Counter({ name: 'ott_events_ingested_total', help: 'Events received, by outcome (accepted, duplicate, rejected).', labelNames: ['outcome'] }),
  );

  readonly stageBatchDuration = once(
    'ott_stage_batch_duration_seconds',
    () =>
      new Histogram({
        name: 'ott_stage_batch_duration_seconds',
        help: 'Time a stage spent on one batch, by stage.',
        labelNames: ['stage'],
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly stageEvents = once(
    'ott_stage_events_processed_total',
    () => new Counter({ name: 'ott_stage_events_processed_total', help: 'Events a stage finished, by stage.', labelNames: ['stage'] }),
  );

  readonly endToEnd = once(
    'ott_pipeline_end_to_end_latency_seconds',
    () =>
      new Histogram({
        name: 'ott_pipeline_end_to_end_latency_seconds',
        help: 'Time from a batch being accepted to its last stage finishing.',
        buckets: LATENCY_BUCKETS,
      }),
  );

  readonly batchesDeadLettered = once(
    'ott_batches_dead_lettered_total',
    () => new Counter({ name: 'ott_batches_dead_lettered_total', help: 'Batches moved to dead-letter after their last attempt, by stage.', labelNames: ['stage'] }),
  );

  readonly findings = once(
    'ott_findings_total',
    () =>
      new Counter({
        name: 'ott_findings_total',
        help: 'Findings recorded, by kind (compliance, ml, security), framework and severity.',
        labelNames: ['kind', 'framework', 'severity'],
      }),
  );

  readonly throttled = once(
    'ott_throttled_requests_total',
    () => new Counter({ name: 'ott_throttled_requests_total', help: 'Requests refused with 429, by limit.', labelNames: ['limit'] }),
  );

  readonly violations = once(
    'ott_violations_total',
    () => new Counter({ name: 'ott_violations_total', help: 'Violations opened or reopened, by framework and severity.', labelNames: ['framework', 'severity'] }),
  );

  readonly anomalyScore = once(
    'ott_anomaly_score',
    () =>
      new Histogram({
        name: 'ott_anomaly_score',
        help: 'Risk scores (0..1) the ML stage gave viewers, by detector (ensemble or statistical).',
        labelNames: ['detector'],
        buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
      }),
  );

  readonly activeModelVersion = once(
    'ott_ml_active_model_version',
    () => new Gauge({ name: 'ott_ml_active_model_version', help: 'Version of the anomaly model this process scores with (0: statistical detector only).' }),
  );

  readonly alertDeliveries = once(
    'ott_alert_deliveries_total',
    () => new Counter({ name: 'ott_alert_deliveries_total', help: 'Alert delivery attempts, by channel type and outcome.', labelNames: ['channel', 'outcome'] }),
  );

  readonly cacheRequests = once(
    'ott_cache_requests_total',
    () => new Counter({ name: 'ott_cache_requests_total', help: 'Cache lookups by result (hit, miss) and backend (redis, memory fallback).', labelNames: ['result', 'backend'] }),
  );

  readonly cacheFallback = once(
    'ott_cache_fallback_active',
    () => new Gauge({ name: 'ott_cache_fallback_active', help: '1 while the cache answers from process memory because Redis is unreachable, else 0.' }),
  );

  readonly authAttempts = once(
    'ott_auth_logins_total',
    () => new Counter({ name: 'ott_auth_logins_total', help: 'Login attempts by outcome (succeeded, failed).', labelNames: ['outcome'] }),
  );

  /** Queue depth per queue and state; the collector reads BullMQ when Prometheus scrapes. */
  queueDepth(collect: (gauge: Gauge<'queue' | 'state'>) => Promise<void>): Gauge<'queue' | 'state'> {
    const existing = register.getSingleMetric('ott_queue_jobs') as Gauge<'queue' | 'state'> | undefined;
    if (existing) return existing;
    return new Gauge({
      name: 'ott_queue_jobs',
      help: 'Jobs in each queue by state (wait, active, delayed, failed, completed, prioritized).',
      labelNames: ['queue', 'state'],
      async collect() {
        await collect(this);
      },
    });
  }

  deadLetterSize(collect: () => Promise<number>): Gauge {
    const existing = register.getSingleMetric('ott_dead_letter_batches') as Gauge | undefined;
    if (existing) return existing;
    return new Gauge({
      name: 'ott_dead_letter_batches',
      help: 'Batches currently parked in dead-letter, waiting for an operator.',
      async collect() {
        this.set(await collect());
      },
    });
  }
}

/** One instance per process: metrics are process-wide anyway. */
export const pipelineMetrics = new PipelineMetrics();
