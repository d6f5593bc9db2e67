import { SEVERITIES, type Severity } from '../../common/domain/severity';
import type { FactorContribution } from './anomaly-ensemble';
import type { FactorName } from './risk-factors';

/** Risk tiers are named on the shared severity scale, so a tier and a severity compare directly. */
export type RiskTier = Severity;
export const RISK_TIERS: readonly RiskTier[] = SEVERITIES;
export type FindingSeverity = 'medium' | 'high' | 'critical';

/** Where the tiers start. `high` starts at the alerting threshold, so "high or worse" = "alerted". */
export interface RiskThresholds {
  medium: number;
  alert: number;
  critical: number;
}

export const MEDIUM_TIER_FROM = 0.8;
export const CRITICAL_TIER_FROM = 0.99;

export function riskThresholds(alertThreshold: number): RiskThresholds {
  return {
    medium: Math.min(MEDIUM_TIER_FROM, alertThreshold),
    alert: alertThreshold,
    critical: Math.max(CRITICAL_TIER_FROM, alertThreshold),
  };
}

/**
 * The viewer's tier by its risk, capped by the scorer's confidence: a scorer that may not raise a
 * critical finding (the cold-start statistical one) may not call the viewer critical either, so the tier
 * (user_segments, top-risk lists, headlines) and the findings agree. The risk itself is kept as it is.
 */
export function riskTier(risk: number, thresholds: RiskThresholds, cap: RiskTier = 'critical'): RiskTier {
  const tier = uncappedTier(risk, thresholds);
  return RISK_TIERS.indexOf(tier) <= RISK_TIERS.indexOf(cap) ? tier : cap;
}

function uncappedTier(risk: number, thresholds: RiskThresholds): RiskTier {
  if (risk >= thresholds.critical) return 'critical';
  if (risk >= thresholds.alert) return 'high';
  if (risk >= thresholds.medium) return 'medium';
  return 'low';
}

/**
 * Severity of an anomaly finding by how far into the tail the risk lies: the top 1‰ of the reference
 * population is critical, the top 1% high, the rest above the alerting threshold medium.
 */
export function findingSeverity(risk: number): FindingSeverity {
  if (risk >= 0.999) return 'critical';
  if (risk >= 0.99) return 'high';
  return 'medium';
}

const SEVERITY_ORDER: readonly FindingSeverity[] = ['medium', 'high', 'critical'];

/** The less severe of the two: a scorer's confidence caps what its risk alone would say. */
export function cappedSeverity(severity: FindingSeverity, cap: FindingSeverity): FindingSeverity {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(cap) ? severity : cap;
}

/** The behaviour a factor stands for, as a segment name. */
export const FACTOR_SEGMENTS: Record<FactorName, string> = {
  consentChurn: 'consent_churner',
  complianceFindings: 'compliance_exposed',
  dataAccess: 'data_access_target',
  authFailures: 'credential_attack_target',
  geoMovement: 'traveller',
  errorRate: 'error_prone',
};

/**
 * Behaviour segment: `typical` below the medium tier; otherwise the behaviour of the factor that explains
 * most of the risk, or `mixed` when no factor explains at least 40% of it.
 */
export function behaviourSegment(
  risk: number,
  factors: readonly FactorContribution[],
  thresholds: RiskThresholds,
): string {
  if (risk < thresholds.medium) return 'typical';
  const top = topFactors(factors, 1)[0];
  if (!top || top.share < 0.4) return 'mixed';
  return FACTOR_SEGMENTS[top.factor as FactorName] ?? 'mixed';
}

export function topFactors(factors: readonly FactorContribution[], count: number): FactorContribution[] {
  return [...factors]
    .filter((factor) => factor.share > 0)
    .sort((a, b) => b.share - a.share)
    .slice(0, count);
}
