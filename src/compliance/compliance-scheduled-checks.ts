import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ScheduledTasks } from '../pipeline/scheduled-tasks';
import { dsrSubjectsOf, findOverdue } from './domain/deadlines';
import { HoldIndex } from './domain/legal-holds';
import { findRetentionBreaches, retentionAnchorsOf } from './domain/retention';
import type { Finding } from './domain/rule';
import { RuleBudget } from './domain/rule-budget';
import { complianceMetrics } from './compliance-metrics';
import type { RuleEvaluationError } from './domain/rule-set';
import { findBreachNotificationLapses, findErasureNoticeLapses } from './domain/scheduled-checks';
import type { ViewerState } from './domain/viewer-state';
import { ComplianceStateStore } from './persistence/compliance-state.store';
import { DsarRequestsRepository } from './persistence/dsar-requests.repository';
import { LegalHoldsRepository } from './persistence/legal-holds.repository';
import { RulesRepository } from './persistence/rules.repository';
import { ViewerStatesRepository, type StoredViewerState } from './persistence/viewer-states.repository';
import { ActiveRules, type ActiveRuleSet } from './rules/active-rules';

export const COMPLIANCE_TASKS = {
  /** Request deadlines and breach notification (72 h): minutes matter. */
  deadlines: 'compliance-deadlines',
  /** Retention periods and notices to recipients after an erasure: counted in days. */
  retention: 'compliance-retention',
} as const;

const DEADLINE_EVERY_MS = 60_000;
/** 03:30 UTC daily (six-field cron: seconds first). */
const RETENTION_PATTERN = '0 30 3 * * *';
const PAGE = 500;

export interface ScheduledCheckRun {
  task: string;
  now: string;
  viewersChecked: number;
  findings: number;
  /** findings new to the table (the rest were raised by an earlier run) */
  inserted: number;
  errors: number;
}

/**
 * Time-driven compliance checks, run as BullMQ job schedulers on the maintenance queue (exactly one
 * worker runs each tick). They judge stored state at `now`, so a request nobody answers becomes a finding
 * when its deadline passes even if no event ever arrives again. Findings are keyed per rule version and
 * subject (request, retention anchor, breach, recipient), so every tick after the first writes nothing new.
 */
@Injectable()
export class ComplianceScheduledChecks implements OnModuleInit {
  private readonly logger = new Logger(ComplianceScheduledChecks.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: ComplianceStateStore,
    private readonly rules: ActiveRules,
    private readonly tasks: ScheduledTasks,
    private readonly legalHolds: LegalHoldsRepository,
    private readonly ruleStore: RulesRepository,
    private readonly viewerStates: ViewerStatesRepository,
    private readonly dsarRequests: DsarRequestsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'rules'>,
  ) {}

  onModuleInit(): void {
    this.tasks.register({
      name: COMPLIANCE_TASKS.deadlines,
      schedule: { every: DEADLINE_EVERY_MS },
      run: () => this.runDeadlineChecks(),
    });
    this.tasks.register({
      name: COMPLIANCE_TASKS.retention,
      schedule: { pattern: RETENTION_PATTERN },
      run: () => this.runRetentionChecks(),
    });
  }

  /** Open data-subject requests past (or near) their due date, and breaches not notified in time. */
  async runDeadlineChecks(now: Date = new Date()): Promise<ScheduledCheckRun> {
    const active = await this.currentRules();
    const run = this.newRun(COMPLIANCE_TASKS.deadlines, now);
    if (active.rules.forSchedule('schedule.dsr_deadline').length > 0) {
      await this.pageStates(
        (after) => this.viewerStates.withOpenRequests(after, PAGE),
        async (states) => {
          const errors: RuleEvaluationError[] = [];
          const holds = await this.holdsAt(states, now);
          // An erasure request of a viewer (or the request itself) under legal hold raises no deadline
          // finding while the hold lasts; its due date is unchanged (domain/legal-holds.ts).
          const subjects = states
            .flatMap(dsrSubjectsOf)
            .filter((s) => s.request.completedAt === null && s.request.refusedAt === null)
            .filter((s) => !(s.request.type === 'erasure' && holds.suspendsErasure(s.userId, s.request.requestId)));
          const budget = this.budget();
          const findings = findOverdue(subjects, now, active.rules, errors, budget);
          const inserted = await this.record(run, states.length, findings, errors, active, budget);
          // A deadline finding's key is `<rule>@<version>:<subjectKey>` with subjectKey `<user>:dsr:<request>`.
          const requestOf = new Map(
            subjects.map((s) => [`${s.userId}:dsr:${s.request.requestId}`, s.request.requestId]),
          );
          const requestIds = findings
            .filter((f) => inserted.has(f.dedupeKey))
            .map((f) => requestOf.get(f.dedupeKey.slice(f.dedupeKey.indexOf(':') + 1)))
            .filter((id): id is string => id !== undefined);
          await this.dsarRequests.flagOverdue(requestIds, now);
        },
      );
    }
    if (active.rules.forSchedule('schedule.breach_notification').length > 0) {
      await this.pageStates(
        (after) => this.viewerStates.withBreaches(after, PAGE),
        async (states) => {
          const errors: RuleEvaluationError[] = [];
          const budget = this.budget();
          const findings = findBreachNotificationLapses(states, now, active.rules, errors, budget);
          await this.record(run, states.length, findings, errors, active, budget);
        },
      );
    }
    this.report(run);
    return run;
  }

  /** Data kept past its retention period, and recipients not told of an erasure: every stored viewer. */
  async runRetentionChecks(now: Date = new Date()): Promise<ScheduledCheckRun> {
    const active = await this.currentRules();
    const run = this.newRun(COMPLIANCE_TASKS.retention, now);
    const retention = active.rules.forSchedule('schedule.retention').length > 0;
    const notices = active.rules.forSchedule('schedule.erasure_recipient_notice').length > 0;
    if (retention || notices) {
      await this.pageStates(
        (after) => this.viewerStates.written(after, PAGE),
        async (states) => {
          const errors: RuleEvaluationError[] = [];
          const byId = new Map(states.map((s) => [s.userId, s]));
          const budget = this.budget();
          const holds = await this.holdsAt(states, now);
          const findings = [
            ...(retention
              ? findRetentionBreaches(
                  states.flatMap((s) =>
                    retentionAnchorsOf(s).map((a) => ({
                      ...a,
                      legalHold: a.legalHold || holds.keepsCategory(a.userId, a.category),
                    })),
                  ),
                  now,
                  active.rules,
                  byId,
                  errors,
                  budget,
                )
              : []),
            ...(notices ? findErasureNoticeLapses(states, now, active.rules, errors, budget) : []),
          ];
          await this.record(run, states.length, findings, errors, active, budget);
        },
      );
    }
    this.report(run);
    return run;
  }

  /** The legal holds active at `now` for a page of viewers (one query). */
  private async holdsAt(states: readonly ViewerState[], now: Date): Promise<HoldIndex> {
    const holds = await this.legalHolds.forViewers(
      states.map((s) => s.userId),
      now,
    );
    return new HoldIndex(holds, now.getTime());
  }

  private async currentRules(): Promise<ActiveRuleSet> {
    return this.rules.get(await this.ruleStore.revision());
  }

  /** Keyset pages of viewer states (by user id), so a run never holds more than one page. */
  private async pageStates(
    fetch: (after: string) => Promise<StoredViewerState[]>,
    handle: (states: ViewerState[]) => Promise<void>,
  ): Promise<void> {
    let after = '';
    for (;;) {
      const rows = await fetch(after);
      if (rows.length === 0) return;
      await handle(rows.flatMap((r) => (r.state === null ? [] : [r.state])));
      after = rows[rows.length - 1].userId;
      if (rows.length < PAGE) return;
    }
  }

  private async record(
    run: ScheduledCheckRun,
    viewers: number,
    findings: Finding[],
    errors: RuleEvaluationError[],
    active: ActiveRuleSet,
    budget: RuleBudget,
  ): Promise<Set<string>> {
    run.viewersChecked += viewers;
    const overruns = budget.overruns();
    if (overruns.length > 0) {
      // Skipped for the rest of this page, not failed: the next page and the next tick judge them again.
      this.logger.warn(
        { task: run.task, overBudget: overruns },
        'rules over their evaluation budget were skipped for the rest of the page',
      );
      await this.store.recordBudgetOverruns(this.dataSource, randomUUID(), overruns, run.task);
      for (const o of overruns) complianceMetrics.ruleBudgetExceeded.inc({ rule: o.ruleId });
    }
    run.findings += findings.length;
    run.errors += errors.length;
    if (errors.length > 0)
      this.logger.warn({ task: run.task, errors: errors.slice(0, 5) }, 'scheduled rule expressions failed');
    const inserted = await this.store.insertFindings(
      this.dataSource,
      findings.map((finding) => ({ finding, rule: active.rules.get(finding.ruleId)?.def })),
    );
    run.inserted += inserted.length;
    return new Set(inserted);
  }

  /** One budget per page of viewer states: a page is the scheduled checks' batch. */
  private budget(): RuleBudget {
    return new RuleBudget(this.config.rules.budgetMsPerBatch);
  }

  private newRun(task: string, now: Date): ScheduledCheckRun {
    return { task, now: now.toISOString(), viewersChecked: 0, findings: 0, inserted: 0, errors: 0 };
  }

  private report(run: ScheduledCheckRun): void {
    if (run.inserted > 0) this.logger.log(run, 'scheduled compliance checks raised findings');
  }
}
