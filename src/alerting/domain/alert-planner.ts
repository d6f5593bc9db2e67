import { atLeast, Severity } from '../../violations/domain/severity';

export const ALERT_REASONS = ['new', 'escalated', 'reopened', 'repeated', 'unacknowledged', 'test'] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];

/** A routing rule: which alerts go to which channels, and how long repeats are folded. */
export interface AlertRoute {
  id: string;
  name: string;
  minSeverity: Severity;
  /** empty = any */
  frameworks: readonly string[];
  /** empty = any */
  ruleIds: readonly string[];
  /** empty = any */
  reasons: readonly string[];
  channelIds: readonly string[];
  suppressionWindowSeconds: number;
  enabled: boolean;
}

/** Something alert-worthy that happened to a violation. */
export interface AlertCandidate {
  violationId: string;
  reason: Exclude<AlertReason, 'test'>;
  severity: Severity;
  framework: string;
  ruleId: string;
  /** findings this candidate stands for (0 for a time-driven escalation) */
  occurrences: number;
}

/** An alert of a violation whose suppression window has not ended. */
export interface OpenAlert {
  id: string;
  violationId: string;
  reason: AlertReason;
  severity: Severity;
  createdAt: Date;
  windowEndsAt: Date;
}

export interface NewAlert {
  id: string;
  violationId: string;
  reason: Exclude<AlertReason, 'test'>;
  severity: Severity;
  dedupKey: string;
  suppressedCount: number;
  windowEndsAt: Date;
  channelIds: string[];
  routeIds: string[];
}

export interface AlertPlan {
  created: NewAlert[];
  /** open alerts that absorb candidates instead of sending again */
  folded: { alertId: string; add: number }[];
}

export interface AlertPlanOptions {
  now: Date;
  /**
   * Violations that were ever alerted. Batches of one violation can reach the alerting stage out
   * of order: a repeat may arrive before the batch that opened the violation. A repeat of a
   * violation never alerted is its first notice, so it is sent as 'new' and the opening batch's
   * candidate then folds into it.
   */
  alertedBefore?: ReadonlySet<string>;
  /** window of an alert no route matched */
  defaultWindowMs: number;
  newId: () => string;
}

export function matchRoutes(
  routes: readonly AlertRoute[],
  alert: { severity: Severity; framework: string; ruleId: string; reason: AlertReason },
): AlertRoute[] {
  return routes.filter(
    (route) =>
      route.enabled &&
      atLeast(alert.severity, route.minSeverity) &&
      (route.frameworks.length === 0 || route.frameworks.includes(alert.framework)) &&
      (route.ruleIds.length === 0 || route.ruleIds.includes(alert.ruleId)) &&
      (route.reasons.length === 0 || route.reasons.includes(alert.reason)),
  );
}

/**
 * Decides which candidates become alerts and which are suppressed. An alert opens a suppression
 * window (the longest of its matching routes'; a default when none matched); while it is open:
 * - the same reason at the same severity folds into it (suppressed_count += occurrences), so a storm
 *   of one violation sends one alert with a count;
 * - plain repeats of the violation fold into its most recent open alert, whatever its reason; a
 *   repeat after every window has ended sends one 'repeated' alert and opens a new window;
 * - a rise in severity is a new (reason, severity) pair and is always sent.
 * Pure: the caller holds the violations' alert locks and has read their open alerts.
 */
export function planAlerts(
  candidates: readonly AlertCandidate[],
  open: readonly OpenAlert[],
  routes: readonly AlertRoute[],
  options: AlertPlanOptions,
): AlertPlan {
  const now = options.now.getTime();
  const live = open.filter((a) => a.windowEndsAt.getTime() > now).map((a) => ({ ...a }));
  const created: NewAlert[] = [];
  const folded = new Map<string, number>();

  const alerted = new Set([...(options.alertedBefore ?? []), ...open.map((a) => a.violationId)]);
  for (const original of candidates) {
    const firstNotice = original.reason === 'repeated' && !alerted.has(original.violationId);
    const candidate: AlertCandidate = firstNotice ? { ...original, reason: 'new' } : original;
    const ofViolation = live.filter((a) => a.violationId === candidate.violationId);
    const absorbing =
      candidate.reason === 'repeated'
        ? ofViolation.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]
        : candidate.reason === 'new'
          ? ofViolation.find((a) => (a.reason === 'new' || a.reason === 'repeated') && a.severity === candidate.severity)
          : ofViolation.find((a) => a.reason === candidate.reason && a.severity === candidate.severity);
    if (absorbing) {
      folded.set(absorbing.id, (folded.get(absorbing.id) ?? 0) + Math.max(1, candidate.occurrences));
      continue;
    }
    const matched = matchRoutes(routes, candidate);
    const windowMs =
      matched.length > 0
        ? Math.max(...matched.map((r) => r.suppressionWindowSeconds * 1000))
        : options.defaultWindowMs;
    const id = options.newId();
    const alert: NewAlert = {
      id,
      violationId: candidate.violationId,
      reason: candidate.reason,
      severity: candidate.severity,
      dedupKey: `${candidate.violationId}:${candidate.reason}:${candidate.severity}:${id}`,
      suppressedCount: Math.max(0, candidate.occurrences - 1),
      windowEndsAt: new Date(now + windowMs),
      channelIds: [...new Set(matched.flatMap((r) => r.channelIds))],
      routeIds: matched.map((r) => r.id),
    };
    created.push(alert);
    alerted.add(alert.violationId);
    if (windowMs > 0)
      live.push({
        id,
        violationId: alert.violationId,
        reason: alert.reason,
        severity: alert.severity,
        createdAt: options.now,
        windowEndsAt: alert.windowEndsAt,
      });
  }

  // Folds into alerts created in this same plan go straight into their count.
  const createdById = new Map(created.map((a) => [a.id, a]));
  const foldedStored: AlertPlan['folded'] = [];
  for (const [alertId, add] of folded) {
    const fresh = createdById.get(alertId);
    if (fresh) fresh.suppressedCount += add;
    else foldedStored.push({ alertId, add });
  }
  return { created, folded: foldedStored };
}
