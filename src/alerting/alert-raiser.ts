import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Sql } from '../database/sql';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { alertPayload } from './domain/alert-message';
import { AlertCandidate, planAlerts } from './domain/alert-planner';
import { AlertChannelsRepository } from './persistence/alert-channels.repository';
import { AlertRoutesRepository } from './persistence/alert-routes.repository';
import { AlertInsert, AlertsRepository } from './persistence/alerts.repository';
import { AlertMetrics } from './alert-metrics';

/** Something alert-worthy about a violation; routing facts are read from the violation itself. */
export type AlertRequest = Omit<AlertCandidate, 'framework' | 'ruleId'>;

/**
 * Turns alert candidates into alerts inside the caller's transaction: locks the violations' alert
 * decisions, reads their open alerts and the routes, suppresses or creates, and renders each new
 * alert's payload. Returns the ids of the alerts created (to dispatch after commit).
 */
@Injectable()
export class AlertRaiser {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: AlertsRepository,
    private readonly routes: AlertRoutesRepository,
    private readonly channels: AlertChannelsRepository,
    private readonly metrics: AlertMetrics,
  ) {}

  async raise(
    tx: Sql,
    requests: AlertRequest[],
    batchId: string | null,
    now = new Date(),
  ): Promise<string[]> {
    if (requests.length === 0) return [];
    const violationIds = [...new Set(requests.map((c) => c.violationId))];
    await this.store.lockViolations(tx, violationIds);
    const violations = await this.store.violations(tx, violationIds);
    // A case closed between the violation stage and now needs no alert.
    const live: AlertCandidate[] = requests.flatMap((request) => {
      const violation = violations.get(request.violationId);
      return violation && !violation.closed
        ? [{ ...request, framework: violation.framework, ruleId: violation.ruleId }]
        : [];
    });
    if (live.length === 0) return [];
    const routes = await this.routes.enabledRoutes(tx);
    const open = await this.store.openAlerts(tx, violationIds, now);
    const alertedBefore = await this.store.alertedViolations(tx, violationIds);
    const plan = planAlerts(live, open, routes, {
      now,
      alertedBefore,
      defaultWindowMs: this.config.alerting.defaultSuppressionSeconds * 1000,
      newId: randomUUID,
    });
    const usable = await this.channels.usableChannels(tx, [
      ...new Set(plan.created.flatMap((a) => a.channelIds)),
    ]);
    const inserts: AlertInsert[] = plan.created.map((alert) => {
      const { closed: _closed, ...summary } = violations.get(alert.violationId)!;
      return {
        ...alert,
        channelIds: alert.channelIds.filter((id) => usable.has(id)),
        createdAt: now,
        payload: alertPayload({ ...alert, createdAt: now }, summary),
      };
    });
    await this.store.insertAlerts(tx, inserts, batchId);
    await this.store.fold(tx, plan.folded);
    for (const alert of inserts)
      this.metrics.alertsRaised.inc({ reason: alert.reason, severity: alert.severity });
    const suppressed =
      plan.folded.reduce((sum, f) => sum + f.add, 0) + inserts.reduce((sum, a) => sum + a.suppressedCount, 0);
    if (suppressed > 0) this.metrics.alertsSuppressed.inc(suppressed);
    return inserts.map((a) => a.id);
  }
}
