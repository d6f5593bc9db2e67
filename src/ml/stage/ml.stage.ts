import { pipelineMetrics } from '../../metrics/pipeline-metrics';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { HandlesStage, StageHandler } from '../../pipeline/stage-handler';
import { viewerUpdates } from '../domain/factor-updates';
import { assessViewers } from '../domain/viewer-assessment';
import { ActiveModel } from '../models/active-model';
import { RiskFactorStore } from '../state/risk-factor-store';
import { RiskRecordsRepository } from '../persistence/risk-records.repository';
import { SnapshotMemo } from './snapshot-memo';

export interface MlBatchOutcome {
  events: number;
  viewers: number;
  findings: number;
  snapshots: number;
  modelVersion: number | null;
  /** wall-clock ms of each step, for the benchmark */
  timings: { load: number; merge: number; score: number; write: number };
}

/**
 * Stage 3: the batch's events (one query) update their viewers' rolling factors (one Redis script call),
 * every touched viewer is scored and explained by the active model (or the statistical priors before
 * one exists), and risk, segment, snapshot and anomaly findings are written (one statement).
 *
 * Re-running a batch is harmless: the Redis script recognises the batch and leaves the counters as they
 * are, and every write is keyed (viewer, viewer and interval, finding key).
 */
@Injectable()
@HandlesStage('ml')
export class MlStage implements StageHandler {
  private readonly snapshots = new SnapshotMemo();

  constructor(
    private readonly records: RiskRecordsRepository,
    private readonly factors: RiskFactorStore,
    private readonly models: ActiveModel,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(batchId: string): Promise<void> {
    await this.apply(batchId);
  }

  async apply(batchId: string): Promise<MlBatchOutcome> {
    const clock = new StepClock();
    const [events, scorer] = await Promise.all([
      this.records.loadBatchEvents(batchId),
      this.models.current(),
    ]);
    const load = clock.lap();
    const updates = viewerUpdates(events);
    const merged = await this.factors.merge(batchId, updates);
    const merge = clock.lap();
    const assessments = assessViewers(updates, merged, scorer, this.config.ml.alertThreshold);
    const score = clock.lap();
    const intervalMs = this.config.ml.snapshotIntervalMinutes * 60_000;
    const buckets = assessments.map((a) => Math.floor(a.asOfMs / intervalMs));
    const wanted = assessments.map((a, i) => this.snapshots.needed(a.userId, buckets[i], a.score.risk));
    const written = await this.records.write(assessments, intervalMs, (i) => wanted[i]);
    assessments.forEach((a, i) => wanted[i] && this.snapshots.remember(a.userId, buckets[i], a.score.risk));
    const write = clock.lap();
    pipelineMetrics.activeModelVersion.set(scorer.modelVersion ?? 0);
    for (const a of assessments) {
      pipelineMetrics.anomalyScore.observe({ detector: a.detector }, a.score.risk);
      if (a.finding) pipelineMetrics.findings.inc({ kind: 'ml', framework: 'ML', severity: a.finding.severity });
    }
    return {
      events: events.length,
      viewers: updates.length,
      findings: written.findings,
      snapshots: written.snapshots,
      modelVersion: scorer.modelVersion,
      timings: { load, merge, score, write },
    };
  }
}

class StepClock {
  private last = performance.now();

  lap(): number {
    const now = performance.now();
    const ms = now - this.last;
    this.last = now;
    return ms;
  }
}
