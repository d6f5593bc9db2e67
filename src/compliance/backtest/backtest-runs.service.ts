/**
 * Back-test runs: the API checks a request and queues it (202 with a run id); a worker runs it in a
 * worker thread with a time and memory budget (BACKTEST_TIME_BUDGET_MS, BACKTEST_MEMORY_MB) and stores
 * the report or a clear error; GET reads the run back. A draft's expressions never run in the API process.
 */
import { InjectQueue } from '@nestjs/bullmq';
import { HttpException, HttpStatus, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { AuditLog } from '../../security/audit/audit-log.service';
import { Transactions } from '../../database/transactions';
import { auditActor, type RequestContext } from '../../security/principal';
import { complianceMetrics } from '../compliance-metrics';
import { BacktestRunsStore, type BacktestRun } from '../persistence/backtest-runs.store';
import { ActiveRules } from '../rules/active-rules';
import { RulesRepository } from '../persistence/rules.repository';
import type { BacktestReport, BacktestState } from '../domain/backtest-run';
import { prepareBacktest, type BacktestRequest } from './backtest-request';
import type { BacktestThreadData } from './backtest-thread';
import { BACKTEST_QUEUE, type BacktestJob } from './backtest.constants';
import { runInThread, ThreadBudgetExceeded } from './thread-runner';

export interface BacktestRunView {
  runId: string;
  state: BacktestState;
  ruleId: string;
  draftVersion: number;
  comparedWithVersion: number | null;
  range: { from: string; to: string };
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The report, once the run succeeded. */
  result: BacktestReport | null;
  /** Why the run failed (e.g. "backtest exceeded its time budget of 120000 ms"). */
  error: string | null;
}

/**
 * Unfinished runs one person may have: the worker runs back-tests one at a time, and a queue filled by
 * one caller would delay everyone else's.
 */
export const MAX_UNFINISHED_RUNS_PER_REQUESTER = 3;
/** Finished runs are kept this long (their reports hold sample events of viewers). */
export const KEEP_RUNS_DAYS = 30;
/** A run 'running' this long past its time budget is taken over by the next worker. */
const ABANDONED_MARGIN_MS = 60_000;

/**
 * The compiled thread entry: beside this file once built; from the source tree (tests), the build
 * output's copy.
 */
function threadScript(): string {
  const beside = join(__dirname, 'backtest-thread.js');
  if (existsSync(beside)) return beside;
  const built = join(__dirname, '../../../dist/src/compliance/backtest/backtest-thread.js');
  if (existsSync(built)) return built;
  throw new Error('the back-test thread script is missing: build the project (npm run build)');
}

@Injectable()
export class BacktestRuns {
  private readonly logger = new Logger(BacktestRuns.name);

  constructor(
    private readonly runs: BacktestRunsStore,
    private readonly rules: ActiveRules,
    private readonly store: RulesRepository,
    private readonly audit: AuditLog,
    @InjectQueue(BACKTEST_QUEUE) private readonly queue: Queue<BacktestJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
  ) {}

  /** Checks the request (400 naming each problem), stores and queues the run, audits it. */
  async request(request: BacktestRequest, ctx: RequestContext): Promise<BacktestRunView> {
    const input = await prepareBacktest(request, this.rules, this.store);
    const runId = randomUUID();
    const actor = auditActor(ctx);
    if ((await this.runs.unfinishedOf(actor.actorId)) >= MAX_UNFINISHED_RUNS_PER_REQUESTER) {
      throw new HttpException(
        `you have ${MAX_UNFINISHED_RUNS_PER_REQUESTER} back-tests queued or running; wait for one to finish`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    await this.runs.prune(KEEP_RUNS_DAYS);
    await this.runs.insert(runId, input, actor.actorId);
    await this.audit.append({
      ...actor,
      action: 'compliance.rule.backtested',
      targetType: 'compliance_rule',
      targetId: input.draft.id,
      details: {
        runId,
        draftVersion: input.draft.version,
        comparedWithVersion: input.baseline?.version ?? null,
        from: input.from,
        to: input.to,
      },
    });
    // The answer is the run as accepted (queued): read before the job is added, because a worker may
    // take it and mark it running before a read after the add.
    const accepted = (await this.runs.get(runId))!;
    // The job id is the run id: a repeated add is the same job.
    await this.queue.add('backtest', { runId }, { jobId: runId });
    return view(accepted);
  }

  async get(runId: string): Promise<BacktestRunView> {
    const run = await this.runs.get(runId);
    if (!run) throw new NotFoundException(`back-test run ${runId} does not exist`);
    return view(run);
  }

  /**
   * Runs a queued back-test in a worker thread (worker side). Every outcome is stored on the run: a
   * failure is a result, not an exception, so the job is not retried.
   */
  async execute(runId: string): Promise<BacktestState | null> {
    const budget = { timeMs: this.config.rules.backtestTimeBudgetMs, memoryMb: this.config.rules.backtestMemoryMb };
    const run = await this.runs.get(runId);
    // A run still 'running' well past its time budget was abandoned by a worker that died.
    if (!run || !(await this.runs.start(runId, budget.timeMs + ABANDONED_MARGIN_MS))) return null;
    let outcome: string;
    let finish: { state: BacktestState; result?: BacktestReport; error: string | null; eventsReplayed: number | null };
    try {
      const data: BacktestThreadData = { databaseUrl: this.config.databaseUrl, input: run.request };
      const result = await runInThread<BacktestReport>({ script: threadScript() }, data, budget, 'backtest');
      finish = { state: 'succeeded', result, error: null, eventsReplayed: result.eventsReplayed };
      outcome = 'succeeded';
    } catch (e) {
      finish = { state: 'failed', error: (e as Error).message, eventsReplayed: null };
      outcome = e instanceof ThreadBudgetExceeded ? `${e.resource}_budget` : 'failed';
      this.logger.warn({ runId, ruleId: run.ruleId, error: finish.error }, 'back-test run failed');
    }
    complianceMetrics.backtests.inc({ outcome });
    // The run's outcome and its audit entry commit together: whoever sees the run finished finds the entry.
    await this.transactions.run(async (tx) => {
      if (finish.result) await this.runs.succeed(runId, finish.result, tx);
      else await this.runs.fail(runId, finish.error ?? 'failed', tx);
      await this.audit.append(
        {
          actorType: 'system',
          actorId: null,
          action: 'compliance.rule.backtest_finished',
          targetType: 'compliance_rule',
          targetId: run.ruleId,
          details: { runId, state: finish.state, eventsReplayed: finish.eventsReplayed, error: finish.error },
        },
        tx,
      );
    });
    return finish.state;
  }

  /** A run that could not be executed at all (its job failed outside execute()). */
  async markFailed(runId: string, error: string): Promise<void> {
    await this.runs.fail(runId, error);
  }
}

function view(run: BacktestRun): BacktestRunView {
  return {
    runId: run.runId,
    state: run.state,
    ruleId: run.ruleId,
    draftVersion: run.request.draft.version,
    comparedWithVersion: run.request.baseline?.version ?? null,
    range: { from: run.request.from, to: run.request.to },
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    result: run.result,
    error: run.error,
  };
}
