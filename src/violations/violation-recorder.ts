import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Sql } from '../database/sql';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { FindingInput, groupKeyOf, planViolations, ViolationPlan } from './domain/violation-planner';
import { ViolationsRepository } from './persistence/violations.repository';

/** Folds findings into violations inside the caller's transaction (the one that also marks the findings). */
@Injectable()
export class ViolationRecorder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ViolationsRepository,
  ) {}

  async record(
    tx: Sql,
    findings: FindingInput[],
    batchId: string | null,
    actor: string,
  ): Promise<ViolationPlan> {
    if (findings.length === 0) return { violations: [], links: [] };
    const groupKeys = [...new Set(findings.map(groupKeyOf))];
    await this.store.lockGroups(tx, groupKeys);
    const existing = await this.store.groupViolations(tx, groupKeys);
    const { violations: policy } = this.config;
    const plan = planViolations(findings, existing, {
      windowMs: policy.windowSeconds * 1000,
      evidenceLimit: policy.evidenceLimit,
      escalateAtOccurrences: policy.escalateAtOccurrences,
      riskHigh: policy.riskHigh,
      riskCritical: policy.riskCritical,
      now: new Date(),
      newId: randomUUID,
    });
    await this.store.apply(tx, plan, batchId, actor);
    for (const violation of plan.violations) {
      if (violation.isNew) pipelineMetrics.violations.inc({ framework: violation.framework, severity: violation.severity });
    }
    return plan;
  }
}
