import type { ViewerUpdate } from './factor-updates';
import {
  behaviourSegment,
  cappedSeverity,
  findingSeverity,
  FindingSeverity,
  riskThresholds,
  riskTier,
  RiskTier,
  topFactors,
} from './risk-bands';
import { FactorName, factorsFromState, FactorState, HOUR_MS, RiskFactors } from './risk-factors';
import type { DetectorLabel, ViewerScore, ViewerScorer } from './viewer-scorer';

export const ANOMALY_RULE_ID = 'ML-ANOMALY';
/** Evidence ids kept on one anomaly finding: the viewer's latest events in the batch. */
const MAX_EVIDENCE = 50;
/**
 * Events (decayed over the last hour) a viewer needs before it is judged or counted in the population: a
 * rate or a count read from two or three events says more about chance than about the viewer (one error
 * in three events is a 33% error rate).
 */
export const MIN_EVIDENCE_EVENTS = 8;

/** What the factors were made of, for people reading a score. */
export interface FactorDetails {
  asOf: string;
  distinctCountries24h: number;
  travelScore: number;
  /** fastest implied travel in this batch (including the step from the previous batch), km/h */
  fastestTravelKmh: number;
  events1h: number;
  errors1h: number;
}

export interface AnomalyFinding {
  dedupKey: string;
  userId: string;
  eventId: string;
  ruleVersion: string;
  severity: FindingSeverity;
  reference: string;
  explanation: string;
  evidenceEventIds: string[];
  details: Record<string, unknown>;
  occurredAtMs: number;
}

export interface ViewerAssessment {
  userId: string;
  asOfMs: number;
  latestEventId: string;
  factors: RiskFactors;
  details: FactorDetails;
  score: ViewerScore;
  /** ml_models.version of the scorer, null for the statistical one */
  modelVersion: number | null;
  detector: DetectorLabel;
  tier: RiskTier;
  segment: string;
  finding: AnomalyFinding | null;
}

export interface MergedState {
  state: FactorState;
  boundaryTravelKmh: number | null;
}

/**
 * The ML stage's decisions for the viewers of one batch, from their merged state: factors, score and
 * explanation, tier, segment, and an anomaly finding when the risk reaches the alerting threshold.
 * Deterministic for the same inputs, so a re-run writes the same rows (and the same finding key).
 */
export function assessViewers(
  updates: readonly ViewerUpdate[],
  merged: readonly MergedState[],
  scorer: ViewerScorer,
  alertThreshold: number,
): ViewerAssessment[] {
  const thresholds = riskThresholds(alertThreshold);
  const factorsOf = merged.map(({ state }) => factorsFromState(state));
  const enoughEvidence = merged.map(({ state }) => state.counters.events >= MIN_EVIDENCE_EVENTS);
  // The batch's viewers join the population before any of them is scored, so the order of viewers in a
  // batch does not change their scores.
  if (scorer.observe) {
    updates.forEach((update, index) => {
      if (enoughEvidence[index]) scorer.observe!(update.userId, factorsOf[index]);
    });
  }
  return updates.map((update, index) => {
    const { state, boundaryTravelKmh } = merged[index];
    const factors = factorsOf[index];
    const details: FactorDetails = {
      asOf: new Date(state.asOfMs).toISOString(),
      distinctCountries24h: state.distinctCountries,
      travelScore: state.counters.travel,
      fastestTravelKmh: Math.max(update.fastestTravelKmh, boundaryTravelKmh ?? 0),
      events1h: state.counters.events,
      errors1h: state.counters.errors,
    };
    const score = scorer.score(factors);
    const tier = riskTier(score.risk, thresholds, scorer.maxSeverity);
    const assessment: ViewerAssessment = {
      userId: update.userId,
      asOfMs: state.asOfMs,
      latestEventId: update.latestEventId,
      factors,
      details,
      score,
      modelVersion: scorer.modelVersion,
      detector: scorer.detector,
      tier,
      segment: behaviourSegment(score.risk, score.contributions, thresholds),
      finding: null,
    };
    if (score.risk >= alertThreshold && enoughEvidence[index] && score.conclusive !== false)
      assessment.finding = anomalyFinding(assessment, update, scorer, alertThreshold);
    return assessment;
  });
}

function anomalyFinding(
  assessment: ViewerAssessment,
  update: ViewerUpdate,
  scorer: ViewerScorer,
  alertThreshold: number,
): AnomalyFinding {
  const { userId, score, factors, details } = assessment;
  const severity = cappedSeverity(findingSeverity(score.risk), scorer.maxSeverity);
  // The factors that explain a tenth of the score or more (at least the strongest one), at most three.
  const ranked = topFactors(score.contributions, 3);
  const top = ranked.filter((c, i) => i === 0 || c.share >= 0.1);
  const hour = Math.floor(assessment.asOfMs / HOUR_MS);
  const source =
    scorer.modelVersion === null
      ? 'no model trained yet: against the population of viewers seen so far'
      : `model v${scorer.modelVersion}: more unusual than ${(100 * score.risk).toFixed(1)}% of the viewers it was trained on`;
  const reasons = top.map(
    (c) =>
      `${describeFactor(c.factor as FactorName, factors, details)} (${Math.round(100 * c.share)}% of the score)`,
  );
  const explanation =
    `Viewer ${userId} has risk ${score.risk.toFixed(3)} (${source}), at or above the alerting threshold ${alertThreshold}` +
    (reasons.length > 0 ? `: mostly ${joinList(reasons)}.` : '.');
  return {
    // One finding per viewer, scorer, hour and severity: a viewer who stays anomalous does not raise one
    // per batch, and one who gets worse raises a new, more severe one.
    dedupKey: `ml:${userId}:${scorer.ruleVersion}:${hour}:${severity}`,
    userId,
    eventId: update.latestEventId,
    ruleVersion: scorer.ruleVersion,
    severity,
    reference:
      scorer.modelVersion === null
        ? 'statistical population baseline'
        : `anomaly model v${scorer.modelVersion}`,
    explanation,
    evidenceEventIds: update.eventIds.slice(-MAX_EVIDENCE),
    details: {
      // The violation stage raises a case to critical on a high `riskScore` (or `score`). A scorer whose
      // confidence caps its findings below critical (the cold start) hands over its risk under another
      // name, so its cap holds on the violation too.
      ...(scorer.maxSeverity === 'critical'
        ? { score: score.risk, riskScore: score.risk }
        : { risk: score.risk, severityCap: scorer.maxSeverity }),
      threshold: alertThreshold,
      tier: assessment.tier,
      modelVersion: scorer.modelVersion,
      detector: scorer.detector,
      factors,
      factorDetails: details,
      contributions: score.contributions,
      topFactors: top.map((c) => c.factor),
      ...(score.detectors ? { detectors: score.detectors } : {}),
    },
    occurredAtMs: assessment.asOfMs,
  };
}

export function describeFactor(name: FactorName, factors: RiskFactors, details: FactorDetails): string {
  const value = factors[name];
  const n = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  switch (name) {
    case 'consentChurn':
      return `consent churn of ${n(value)} withdrawals and re-grants in the last day`;
    case 'complianceFindings':
      return `${n(value)} compliance findings in the last day`;
    case 'dataAccess':
      return `${n(value)} reads, shares or exports of their data by staff or services in the last day`;
    case 'authFailures':
      return `${n(value)} failed logins in the last hour`;
    case 'geoMovement': {
      const jump =
        details.fastestTravelKmh >= 1000
          ? `, an implied ${Math.round(details.fastestTravelKmh).toLocaleString('en')} km/h jump`
          : '';
      return `geographic movement (${details.distinctCountries24h} countries in 24 h${jump})`;
    }
    case 'errorRate':
      return `an error rate of ${(100 * value).toFixed(0)}% in the last hour`;
  }
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
