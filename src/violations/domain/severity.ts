/** Severities in rising order; comparisons go through their rank. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function atLeast(severity: Severity, floor: Severity): boolean {
  return severityRank(severity) >= severityRank(floor);
}

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
