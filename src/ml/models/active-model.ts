import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../database/redis.module';
import { runsWorkers } from '../../pipeline/pipeline.module';
import { FACTOR_NAMES, RiskFactors } from '../domain/risk-factors';
import { MIN_EVIDENCE_EVENTS } from '../domain/viewer-assessment';
import { EnsembleViewerScorer, StatisticalViewerScorer, ViewerScorer } from '../domain/viewer-scorer';
import { MlModelsRepository } from '../persistence/ml-models.repository';
import { RiskRecordsRepository } from '../persistence/risk-records.repository';

/** A model that failed to load is tried again after this long (meanwhile: statistical scoring, logged). */
const RETRY_FAILED_LOAD_MS = 60_000;
/** Viewers read back into the cold-start population when a worker starts: the most recently scored. */
const WARM_START_VIEWERS = 50_000;

/**
 * The scorer of the active model, for the ML stage. Each batch asks for the active version (one indexed
 * query), so every batch is scored by the model active when it starts, and a worker switches on its next
 * batch after an activation, without a restart. The parsed model is cached per process; activation also
 * publishes on `<QUEUE_PREFIX>:ml:model-activated`, and workers load the new model as soon as they hear
 * it, so the first batch after the switch does not wait for the parse. The message is only a hint: the
 * database says which model is active.
 */
@Injectable()
export class ActiveModel implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActiveModel.name);
  private readonly statistical = new StatisticalViewerScorer();
  private loaded: EnsembleViewerScorer | undefined;
  private loading: { version: number; promise: Promise<ViewerScorer> } | undefined;
  private readonly failedAt = new Map<number, number>();
  private subscriber: Redis | undefined;
  readonly channel: string;

  constructor(
    private readonly registry: MlModelsRepository,
    private readonly riskRecords: RiskRecordsRepository,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.channel = `${config.queuePrefix}:ml:model-activated`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.warmStatisticalPopulation();
    const subscriber = this.redis.duplicate({ connectionName: 'ott-ml-models', maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', () => {
      this.current().catch((error: Error) =>
        this.logger.warn(`cannot load the newly activated model: ${error.message}`),
      );
    });
    subscriber.on('error', () => undefined); // ioredis reconnects by itself; the per-batch check covers the gap
    await subscriber.subscribe(this.channel).catch((error: Error) => {
      this.logger.warn(
        `cannot subscribe to ${this.channel} (${error.message}); workers still switch on their next batch`,
      );
    });
  }

  /**
   * The statistical scorer judges viewers against the population this process has seen; a restarted
   * worker would judge nobody until it had seen enough viewers again. So it starts from the latest
   * factors of the viewers already scored (user_risk), those with enough evidence, oldest first.
   */
  private async warmStatisticalPopulation(): Promise<void> {
    try {
      const rows = await this.riskRecords.latestEvidencedFactors(MIN_EVIDENCE_EVENTS, WARM_START_VIEWERS);
      for (const row of rows) {
        const values = FACTOR_NAMES.map((name) => Number(row.factors?.[name]));
        if (!values.every((v) => Number.isFinite(v) && v >= 0)) continue;
        this.statistical.observe(
          row.user_id,
          Object.fromEntries(FACTOR_NAMES.map((name, i) => [name, values[i]])) as RiskFactors,
        );
      }
    } catch (error) {
      this.logger.warn(`cannot read the viewers seen so far: ${(error as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  async current(): Promise<ViewerScorer> {
    return this.forVersion(await this.registry.activeVersion());
  }

  /** Tells every worker that a model was activated. */
  async announce(version: number): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ version }));
  }

  async forVersion(version: number | null): Promise<ViewerScorer> {
    if (version === null) return this.statistical;
    if (this.loaded?.modelVersion === version) return this.loaded;
    const failed = this.failedAt.get(version);
    if (failed !== undefined && Date.now() - failed < RETRY_FAILED_LOAD_MS) return this.statistical;
    if (this.loading?.version === version) return this.loading.promise;
    const promise = this.load(version).finally(() => {
      if (this.loading?.version === version) this.loading = undefined;
    });
    this.loading = { version, promise };
    return promise;
  }

  private async load(version: number): Promise<ViewerScorer> {
    // A database error propagates: the batch is retried, as for any transient failure.
    const stored = await this.registry.artifact(version);
    try {
      if (!stored) throw new Error(`model ${version} is not in ml_models`);
      const scorer = EnsembleViewerScorer.fromArtifact(version, stored.artifact, stored.featureTransform);
      this.loaded = scorer;
      this.failedAt.delete(version);
      this.logger.log(`scoring with model v${version}`);
      return scorer;
    } catch (error) {
      // A model that cannot be used must not stop the pipeline: viewers are scored on the priors (and
      // user_risk.detector says so) until it loads or another model is activated.
      this.failedAt.set(version, Date.now());
      this.logger.error(
        `cannot use model v${version}, scoring statistically meanwhile: ${(error as Error).message}`,
      );
      return this.statistical;
    }
  }
}
