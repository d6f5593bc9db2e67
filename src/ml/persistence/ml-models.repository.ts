import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { advisoryXactLock, type Sql } from '../../database/sql';
import type { AnomalyEnsembleJson } from '../domain/anomaly-ensemble';

/** Serialises version numbering and activation across processes. */
const ML_MODELS_LOCK = 7_310_101;

export interface ModelSummary {
  version: number;
  algorithm: string;
  parameters: Record<string, unknown>;
  trainingWindowStart: Date | null;
  trainingWindowEnd: Date | null;
  sampleSize: number;
  metrics: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  active: boolean;
  activatedAt: Date | null;
}

export interface NewModel {
  algorithm: string;
  parameters: Record<string, unknown>;
  trainingWindowStart: Date;
  trainingWindowEnd: Date;
  sampleSize: number;
  metrics: Record<string, unknown>;
  artifact: AnomalyEnsembleJson;
  createdBy: string;
}

const SUMMARY_COLUMNS = `version, algorithm, parameters, training_window_start, training_window_end, sample_size, metrics,
  created_by, created_at, active, activated_at`;

/** ml_models: the versioned models, at most one of them active. */
@Injectable()
export class MlModelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One indexed lookup (the partial unique index on active): cheap enough for every batch. */
  async activeVersion(): Promise<number | null> {
    const rows: { version: number }[] = await this.dataSource.query(
      `SELECT version FROM ml_models WHERE active`,
    );
    return rows[0]?.version ?? null;
  }

  /** The active model's version, training window end and training distribution (for drift). */
  async activeReference<Reference>(
    sql: Sql = this.dataSource,
  ): Promise<{ version: number; training_window_end: Date | null; reference: Reference | null } | undefined> {
    const rows = await sql.query(
      `SELECT version, training_window_end, metrics -> 'reference' AS reference FROM ml_models WHERE active`,
    );
    return rows[0];
  }

  async artifact(
    version: number,
  ): Promise<{ artifact: AnomalyEnsembleJson; featureTransform: unknown } | null> {
    const rows: { artifact: AnomalyEnsembleJson; feature_transform: unknown }[] = await this.dataSource.query(
      `SELECT artifact, parameters -> 'featureTransform' AS feature_transform FROM ml_models WHERE version = $1`,
      [version],
    );
    return rows[0] ? { artifact: rows[0].artifact, featureTransform: rows[0].feature_transform } : null;
  }

  async list(limit: number, offset: number): Promise<{ items: ModelSummary[]; total: number }> {
    const [rows, [{ total }]]: [ModelRow[], { total: number }[]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${SUMMARY_COLUMNS} FROM ml_models ORDER BY version DESC LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
      this.dataSource.query(`SELECT count(*)::int AS total FROM ml_models`),
    ]);
    return { items: rows.map(toSummary), total };
  }

  async get(version: number): Promise<ModelSummary> {
    const rows: ModelRow[] = await this.dataSource.query(
      `SELECT ${SUMMARY_COLUMNS} FROM ml_models WHERE version = $1`,
      [version],
    );
    if (rows.length === 0) throw new NotFoundException(`model version ${version} does not exist`);
    return toSummary(rows[0]);
  }

  /** Stores a model as the next version (inactive), inside the caller's transaction. */
  async insert(tx: Sql, model: NewModel): Promise<number> {
    await advisoryXactLock(tx, ML_MODELS_LOCK);
    const [{ version }]: { version: number }[] = await tx.query(
      `INSERT INTO ml_models (version, algorithm, parameters, training_window_start, training_window_end, sample_size,
                              metrics, artifact, created_by)
       SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8 FROM ml_models
       RETURNING version`,
      [
        model.algorithm,
        JSON.stringify(model.parameters),
        model.trainingWindowStart,
        model.trainingWindowEnd,
        model.sampleSize,
        JSON.stringify(model.metrics),
        JSON.stringify(model.artifact),
        model.createdBy,
      ],
    );
    return version;
  }

  /**
   * Makes `version` the one active model, inside the caller's transaction: the old one off, the new one
   * on; readers see either the old state or the new, never none or two (the unique partial index would
   * refuse two). Returns the version that was active before.
   */
  async activate(tx: Sql, version: number): Promise<{ previous: number | null }> {
    await advisoryXactLock(tx, ML_MODELS_LOCK);
    const target: { version: number }[] = await tx.query(`SELECT version FROM ml_models WHERE version = $1`, [
      version,
    ]);
    if (target.length === 0) throw new NotFoundException(`model version ${version} does not exist`);
    const previous: { version: number }[] = await tx.query(`SELECT version FROM ml_models WHERE active`);
    if (previous[0]?.version === version) return { previous: version };
    await tx.query(`UPDATE ml_models SET active = false WHERE active`);
    await tx.query(`UPDATE ml_models SET active = true, activated_at = now() WHERE version = $1`, [version]);
    return { previous: previous[0]?.version ?? null };
  }
}

interface ModelRow {
  version: number;
  algorithm: string;
  parameters: Record<string, unknown>;
  training_window_start: Date | null;
  training_window_end: Date | null;
  sample_size: number;
  metrics: Record<string, unknown>;
  created_by: string;
  created_at: Date;
  active: boolean;
  activated_at: Date | null;
}

function toSummary(row: ModelRow): ModelSummary {
  return {
    version: row.version,
    algorithm: row.algorithm,
    parameters: row.parameters,
    trainingWindowStart: row.training_window_start,
    trainingWindowEnd: row.training_window_end,
    sampleSize: row.sample_size,
    metrics: row.metrics,
    createdBy: row.created_by,
    createdAt: row.created_at,
    active: row.active,
    activatedAt: row.activated_at,
  };
}
