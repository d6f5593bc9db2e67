import { maxSeverity, SEVERITIES, severityRank, type Severity } from '../../common/domain/severity';

// The scale itself is shared (common/domain/severity); violations add how a case escalates on it.
export { atLeast, isSeverity, maxSeverity, SEVERITIES, severityRank, type Severity } from '../../common/domain/severity';

export interface SeverityPolicy {
  /** each threshold of occurrences reached raises the severity one level */
  escalateAtOccurrences: readonly number[];
  riskHigh: number;
  riskCritical: number;
}

/**
 * The severity a violation has after `occurrences` findings whose own worst severity is `base`, with
 * the highest ML risk score seen: the base, raised one level per occurrence threshold reached, and
 * never below what the risk score calls for. It never goes down while the case stays open.
 */
export function violationSeverity(
  base: Severity,
  occurrences: number,
  maxRisk: number | null,
  policy: SeverityPolicy,
): Severity {
  const steps = policy.escalateAtOccurrences.filter((threshold) => occurrences >= threshold).length;
  let severity = SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(base) + steps)];
  if (maxRisk !== null) {
    if (maxRisk >= policy.riskCritical) severity = maxSeverity(severity, 'critical');
    else if (maxRisk >= policy.riskHigh) severity = maxSeverity(severity, 'high');
  }
  return severity;
}
