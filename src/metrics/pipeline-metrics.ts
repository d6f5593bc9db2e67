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
