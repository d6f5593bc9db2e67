import { Module, OnModuleInit } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { MetricsController } from './metrics.controller';

/**
 * The /metrics endpoint, beside the other operational endpoint (health). src/metrics keeps only the
 * registries every module records into, so recording a metric never depends on the endpoint's guards
 * (security records metrics; the endpoint uses security's @Public).
 *
 * prom-client's default metrics include three gauges named like counters (…_total), which
 * Prometheus' own linter rejects; the same values are exported without the suffix too.
 */
const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

@Module({
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      path: '/metrics',
      defaultMetrics: { enabled: true },
      global: true,
    }),
  ],
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    for (const name of MISNAMED_DEFAULT_GAUGES) register.removeSingleMetric(name);
  }
}
