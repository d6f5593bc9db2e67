import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ResilientCache } from '../cache/resilient-cache';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { QueueDepths } from '../pipeline/queue-depths.service';
import { AuditLog } from '../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../security/principal';
import { performanceFromRollups, postureFromRollups } from './analytics-readers';
import type { RollupSource } from './domain/rollup-sources';
import { dayWindow, hourWindow, TimeRange } from './domain/time-range';
import { EventBucket, EventDimension, Page, RollupQueries } from './persistence/rollup-queries';

/** Answers live this long at most; they are retired earlier when the rollups they read change. */
const TTL_SECONDS = 300;
/** Stage latency rollups change with every batch and have no generation: a short TTL instead. */
const PIPELINE_TTL_SECONDS = 15;
/** Model activation does not go through the rollups either. */
const ML_TTL_SECONDS = 60;
const QUEUE_TIMEOUT_MS = 500;

/**
 * The analytics answers, each read through the cache. A key is
 * `analytics:<answer>:<generations of the rollups it reads>:<hash of the normalised parameters>`,
 * so a fold that changes a rollup retires exactly the answers built on it.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly queries: RollupQueries,
    private readonly cache: ResilientCache,
    private readonly audit: AuditLog,
    private readonly queueDepths: QueueDepths,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async events(
    range: TimeRange,
    bucket: EventBucket,
    groupBy: EventDimension,
    filter: { type?: string; country?: string },
    page: Page,
  ) {
    const window = hourWindow(range);
    return this.cached(
      'events',
      ['events'],
      TTL_SECONDS,
      { window, bucket, groupBy, filter, page },
      async () => ({
        from: window.from.toISOString(),
        to: window.to.toISOString(),
        bucket,
        groupBy,
        ...(await this.queries.eventSeries(window, bucket, groupBy, filter, page)),
      }),
    );
  }

  async violationTrends(range: TimeRange, filter: { framework?: string; severity?: string }, page: Page) {
    const days = dayWindow(range);
    return this.cached('violation-trends', ['violations'], TTL_SECONDS, { days, filter, page }, async () => ({
      fromDay: days.fromDay,
      toDay: days.toDay,
      ...(await this.queries.violationTrends(days, filter, page)),
    }));
  }

  async posture(range: TimeRange) {
    const days = dayWindow(range);
    return this.cached('posture', ['violations', 'events'], TTL_SECONDS, { days }, () =>
      postureFromRollups(this.queries, range),
    );
  }

  async topRisk(page: Page, tier?: string) {
    return this.cached('top-risk', ['user_risk'], TTL_SECONDS, { page, tier: tier ?? null }, () =>
      this.queries.topRisk(page, tier),
    );
  }

  /** One viewer's daily risk: a read of their profile, audited on every call (cached or not). */
  async riskHistory(userId: string, range: TimeRange, ctx: RequestContext) {
    const days = dayWindow(range);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'analytics.viewer.read',
      targetType: 'viewer',
      targetId: userId,
      details: { view: 'risk-history', fromDay: days.fromDay, toDay: days.toDay },
    });
    return this.cached('risk-history', ['user_risk'], TTL_SECONDS, { userId, days }, async () => ({
      userId,
      fromDay: days.fromDay,
      toDay: days.toDay,
      ...(await this.queries.riskHistory(userId, days)),
    }));
  }

  async ml(range: TimeRange) {
    const days = dayWindow(range);
    const threshold = this.config.ml.alertThreshold;
    return this.cached('ml', ['user_risk'], ML_TTL_SECONDS, { days, threshold }, async () => ({
      fromDay: days.fromDay,
      toDay: days.toDay,
      alertThreshold: threshold,
      ...(await this.queries.mlInsights(days, threshold)),
    }));
  }

  async pipelinePerformance(range: TimeRange, bucket: EventBucket) {
    const window = hourWindow(range);
    const [stored, queues] = await Promise.all([
      this.cached('pipeline', [], PIPELINE_TTL_SECONDS, { window, bucket }, () =>
        performanceFromRollups(this.queries, window, bucket),
      ),
      this.queueDepth(),
    ]);
    return { ...stored, queues };
  }

  /** Jobs waiting in each stage queue and in dead-letter, live (BullMQ getJobCounts). */
  async queueDepth(): Promise<Record<string, Record<string, number>> | { error: string }> {
    try {
      const entries = await Promise.all(
        this.queueDepths
          .counts(['wait', 'active', 'delayed', 'prioritized', 'failed'])
          .map(async ({ name, counts }) => [name, await withTimeout(counts, QUEUE_TIMEOUT_MS)] as const),
      );
      return Object.fromEntries(entries);
    } catch (error) {
      return { error: `queue depth unavailable: ${(error as Error).message}` };
    }
  }

  private async cached<T>(
    answer: string,
    sources: RollupSource[],
    ttl: number,
    params: unknown,
    load: () => Promise<T>,
  ): Promise<T> {
    const generations = await this.cache.generations(sources);
    const key = `analytics:${answer}:${sources.map((s) => generations[s]).join('.') || '-'}:${hash(params)}`;
    return this.cache.wrap(key, ttl, load);
  }
}

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 20);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
