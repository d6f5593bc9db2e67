import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { BacktestInput, BacktestReport, BacktestState } from '../domain/backtest-run';

export interface BacktestRun {
  runId: string;
  ruleId: string;
  state: BacktestState;
  request: BacktestInput;
  requestedBy: string | null;
  result: BacktestReport | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface RunRow {
  run_id: string;
  rule_id: string;
  state: BacktestState;
  request: BacktestInput;
  requested_by: string | null;
  result: BacktestReport | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** compliance_backtest_runs: one row per requested back-test, its outcome written by the worker. */
@Injectable()
export class BacktestRunsStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(runId: string, input: BacktestInput, requestedBy: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO compliance_backtest_runs (run_id, rule_id, state, request, requested_by) VALUES ($1, $2, 'queued', $3, $4)`,
      [runId, input.draft.id, JSON.stringify(input), requestedBy],
    );
  }

  /** Runs of one requester not finished yet (queued or running). */
  async unfinishedOf(requestedBy: string | null): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM compliance_backtest_runs
        WHERE requested_by IS NOT DISTINCT FROM $1 AND state IN ('queued', 'running')`,
      [requestedBy],
    );
    return row.n;
  }

  async get(runId: string): Promise<BacktestRun | null> {
    const rows: RunRow[] = await this.dataSource.query(`SELECT * FROM compliance_backtest_runs WHERE run_id = $1`, [
      runId,
    ]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /**
   * queued → running; false when the run is unknown or already past it (a duplicate job). A run left
   * 'running' longer than `abandonedAfterMs` (its worker died; BullMQ hands the stalled job to another)
   * is taken over.
   */
  async start(runId: string, abandonedAfterMs: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE compliance_backtest_runs SET state = 'running', started_at = now()
        WHERE run_id = $1
          AND (state = 'queued' OR (state = 'running' AND started_at < now() - $2 * interval '1 millisecond'))
        RETURNING 1`,
      [runId, abandonedAfterMs],
    );
    return rows.length > 0;
  }

  /** Forgets finished runs older than `days` (reports hold sample events of viewers). */
  async prune(days: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM compliance_backtest_runs WHERE created_at < now() - $1 * interval '1 day' AND state IN ('succeeded', 'failed')`,
      [days],
    );
  }

  async succeed(runId: string, result: BacktestReport, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(
      `UPDATE compliance_backtest_runs SET state = 'succeeded', result = $2, finished_at = now() WHERE run_id = $1`,
      [runId, JSON.stringify(result)],
    );
  }

  async fail(runId: string, error: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(
      `UPDATE compliance_backtest_runs SET state = 'failed', error = $2, finished_at = now()
        WHERE run_id = $1 AND state IN ('queued', 'running')`,
      [runId, error],
    );
  }
}

function toRun(r: RunRow): BacktestRun {
  return {
    runId: r.run_id,
    ruleId: r.rule_id,
    state: r.state,
    request: r.request,
    requestedBy: r.requested_by,
    result: r.result,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
