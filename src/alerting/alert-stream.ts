import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Observable, Subject, filter } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../database/redis.module';
import { atLeast, Severity } from '../violations/domain/severity';

/** What the live stream carries for each alert. */
export interface StreamedAlert {
  id: string;
  reason: string;
  severity: Severity;
  violationId: string | null;
  createdAt: string;
  payload: unknown;
}

/**
 * Alerts to dashboards, across processes: whichever process creates an alert (usually a worker)
 * publishes it on a Redis channel; every API process holds one subscriber connection and fans the
 * messages out to its SSE clients. Pub/sub is fire-and-forget: a dashboard that reconnects reads
 * what it missed from GET /alerts.
 */
@Injectable()
export class AlertStream implements OnModuleDestroy {
  private readonly logger = new Logger(AlertStream.name);
  private readonly channel: string;
  private readonly alerts = new Subject<StreamedAlert>();
  private subscriber: Redis | undefined;
  private subscribing: Promise<void> | undefined;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:alerts:stream`;
  }

  async publish(alerts: StreamedAlert[]): Promise<void> {
    if (alerts.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const alert of alerts) pipeline.publish(this.channel, JSON.stringify(alert));
    await pipeline.exec();
  }

  /** Alerts at or above `minSeverity` from now on; the Redis subscription starts with the first client. */
  async stream(minSeverity: Severity): Promise<Observable<StreamedAlert>> {
    await this.ensureSubscribed();
    return this.alerts.pipe(filter((alert) => atLeast(alert.severity, minSeverity)));
  }

  private ensureSubscribed(): Promise<void> {
    this.subscribing ??= (async () => {
      const subscriber = this.redis.duplicate({
        connectionName: 'ott-alert-stream',
        maxRetriesPerRequest: null,
      });
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        try {
          this.alerts.next(JSON.parse(message) as StreamedAlert);
        } catch (error) {
          this.logger.warn(`dropped a malformed stream message: ${(error as Error).message}`);
        }
      });
      await subscriber.subscribe(this.channel);
      this.subscriber = subscriber;
    })().catch((error) => {
      this.subscribing = undefined;
      throw error;
    });
    return this.subscribing;
  }

  async onModuleDestroy(): Promise<void> {
    this.alerts.complete();
    if (this.subscriber) await this.subscriber.quit().catch(() => this.subscriber?.disconnect());
  }
}
