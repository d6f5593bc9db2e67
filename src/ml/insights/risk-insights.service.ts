import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { driftLevel, populationStabilityIndex, ReferenceBins } from '../domain/factor-drift';
import { RISK_TIERS } from '../domain/risk-bands';
import { FACTOR_NAMES, FactorName } from '../domain/risk-factors';
import { MlModelsRepository } from '../persistence/ml-models.repository';
import { RiskRecordsRepository } from '../persistence/risk-records.repository';

const HISTOGRAM_BINS = 20;
/** Flagged viewers whose explanations are summarised, at most (the highest scores). */
const TOP_FACTOR_SAMPLE = 5000;
/** Recent snapshots compared with the training distribution, at most. */
const DRIFT_SAMPLE = 50_000;

/** One viewer's risk (audited read) and the population view for analysts. */
@Injectable()
export class RiskInsights {
  constructor(
    private readonly riskRecords: RiskRecordsRepository,
    private readonly models: MlModelsRepository,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async viewerRisk(userId: string, ctx: RequestContext) {
    const row = await this.riskRecords.viewerRisk(userId);
    // Asking about a viewer is a read of their profile whether or not there is one.
    await this.audit.append({
      ...auditActor(ctx),
      action: 'ml.viewer.risk.read',
      targetType: 'viewer',
      targetId: userId,
      details: { found: row !== null },
    });
    if (row === null) throw new NotFoundException(`no risk score for viewer ${userId} yet`);
    const { asOfMs, details, ...factors } = row.factors as Record<string, unknown>;
    return {
      userId,
      score: row.score,
      tier: row.risk_tier,
      behaviourSegment: row.behaviour_segment,
      modelVersion: row.model_version,
      detector: row.detector,
      factors: Object.fromEntries(FACTOR_NAMES.map((name) => [name, factors[name]])),
      factorDetails: details,
      contributions: row.contributions,
      asOf: typeof asOfMs === 'number' ? new Date(asOfMs).toISOString() : null,
      scoredAt: row.scored_at,
      lastEventId: row.last_event_id,
      alertThreshold: this.config.ml.alertThreshold,
    };
  }

  async insights() {
    const threshold = this.config.ml.alertThreshold;
    const [histogram, tiers, segments, scoredBy, flagged, active] = await Promise.all([
      this.riskRecords.scoreHistogram(HISTOGRAM_BINS),
      this.riskRecords.tierCounts(),
      this.riskRecords.segmentCounts(),
      this.riskRecords.scoredByCounts(),
      this.riskRecords.topContributions(threshold, TOP_FACTOR_SAMPLE),
      this.models.activeReference<Record<FactorName, ReferenceBins>>(),
    ]);
    const counts = new Map<number, number>(
      histogram.map((row: { bin: number; viewers: number }) => [row.bin, row.viewers]),
    );
    const tierCounts = Object.fromEntries(RISK_TIERS.map((tier) => [tier, 0]));
    for (const row of tiers) tierCounts[row.tier] = row.viewers;
    return {
      alertThreshold: threshold,
      viewers: [...counts.values()].reduce((a, b) => a + b, 0),
      scoreHistogram: Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({
        from: i / HISTOGRAM_BINS,
        to: (i + 1) / HISTOGRAM_BINS,
        viewers: counts.get(i + 1) ?? 0,
      })),
      tiers: tierCounts,
      behaviourSegments: segments,
      scoredBy,
      topFactors: summariseTopFactors(
        flagged.map((row: { contributions: { factor: string; share: number }[] }) => row.contributions),
      ),
      drift: await this.drift(active),
    };
  }

  /** PSI of each factor: snapshots taken since the active model's training window, against its training rows. */
  private async drift(
    active:
      | {
          version: number;
          training_window_end: Date | null;
          reference: Record<FactorName, ReferenceBins> | null;
        }
      | undefined,
  ) {
    if (!active)
      return {
        modelVersion: null,
        note: 'no active model: scoring uses the statistical priors, nothing to drift from',
      };
    if (!active.reference || !active.training_window_end)
      return { modelVersion: active.version, note: 'the active model has no training distribution stored' };
    const rows = await this.riskRecords.snapshotFactorsSince(active.training_window_end, DRIFT_SAMPLE);
    return {
      modelVersion: active.version,
      since: active.training_window_end,
      snapshots: rows.length,
      factors: FACTOR_NAMES.map((factor, column) => {
        const reference = active.reference![factor];
        if (!reference || rows.length === 0) return { factor, psi: null, level: null };
        const psi = populationStabilityIndex(
          reference,
          Float64Array.from(rows, (row) => row.factors[column]),
        );
        return { factor, psi, level: driftLevel(psi) };
      }),
    };
  }
}

/** Which factors explain the flagged viewers: how often each is the top one, and its mean share. */
export function summariseTopFactors(explanations: { factor: string; share: number }[][]) {
  const stats = new Map<string, { top: number; shareSum: number }>(
    FACTOR_NAMES.map((name) => [name, { top: 0, shareSum: 0 }]),
  );
  for (const factors of explanations) {
    let best: { factor: string; share: number } | undefined;
    for (const entry of factors) {
      const stat = stats.get(entry.factor);
      if (!stat) continue;
      stat.shareSum += entry.share;
      if (entry.share > 0 && (!best || entry.share > best.share)) best = entry;
    }
    if (best) stats.get(best.factor)!.top++;
  }
  return {
    flaggedViewers: explanations.length,
    factors: [...stats]
      .map(([factor, stat]) => ({
        factor,
        topFactorFor: stat.top,
        meanShare: explanations.length ? stat.shareSum / explanations.length : 0,
      }))
      .sort((a, b) => b.meanShare - a.meanShare),
  };
}
