import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';

const RUN_COLUMNS = `id, status, requested_by, request, model_version, error, requested_at, started_at, finished_at`;

/** An ml_training_runs row; `request` is the stored request document (see TrainingService). */
export interface TrainingRunRow<Request> {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  requested_by: string;
  request: Request;
  model_version: number | null;
  error: string | null;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** ml_training_runs: one row per training request, from queued to succeeded (with its model) or failed. */
@Injectable()
export class TrainingRunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find<Request>(id: string, sql: Sql = this.dataSource): Promise<TrainingRunRow<Request> | null> {
    const rows: TrainingRunRow<Request>[] = await sql.query(`SELECT ${RUN_COLUMNS} FROM ml_training_runs WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  list<Request>(limit: number, sql: Sql = this.dataSource): Promise<TrainingRunRow<Request>[]> {
    return sql.query(`SELECT ${RUN_COLUMNS} FROM ml_training_runs ORDER BY requested_at DESC LIMIT $1`, [limit]);
  }

  async insert<Request>(tx: Sql, requestedBy: string, request: Request): Promise<TrainingRunRow<Request>> {
    const [row]: TrainingRunRow<Request>[] = await tx.query(
      `INSERT INTO ml_training_runs (requested_by, request) VALUES ($1, $2) RETURNING ${RUN_COLUMNS}`,
      [requestedBy, JSON.stringify(request)],
    );
    return row;
  }

  /** Marks a run running unless it already succeeded; its request, or null when nothing was claimed. */
  async claim<Request>(runId: string, sql: Sql = this.dataSource): Promise<{ request: Request; requestedBy: string } | null> {
    const claimed: { request: Request; requested_by: string }[] = await sql.query(
      // (through a CTE: TypeORM hands back [rows, count] for a bare UPDATE … RETURNING)
      `WITH claimed AS (
         UPDATE ml_training_runs SET status = 'running', started_at = now(), error = NULL
          WHERE id = $1 AND status <> 'succeeded' RETURNING request, requested_by
       ) SELECT * FROM claimed`,
      [runId],
    );
    return claimed[0] ? { request: claimed[0].request, requestedBy: claimed[0].requested_by } : null;
  }

  async markFailed(runId: string, error: string, sql: Sql = this.dataSource): Promise<void> {
    await sql.query(`UPDATE ml_training_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
      runId,
      error,
    ]);
  }

  async markSucceeded(tx: Sql, runId: string, modelVersion: number): Promise<void> {
    await tx.query(
      `UPDATE ml_training_runs SET status = 'succeeded', model_version = $2, finished_at = now() WHERE id = $1`,
      [runId, modelVersion],
    );
  }
}
