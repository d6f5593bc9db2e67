import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';
import type { FactorEvent } from '../domain/factor-updates';
import { ANOMALY_RULE_ID, ViewerAssessment } from '../domain/viewer-assessment';
import { factorsToArray } from '../domain/risk-factors';

export interface WriteOutcome {
  findings: number;
  snapshots: number;
}

/**
 * user_risk, user_segments and user_risk_snapshots (and the ML stage's anomaly findings): the stage's
 * reads and writes (one query to read a batch, one statement to write it), and the reads of training
 * and of the warm start.
 */
@Injectable()
export class RiskRecordsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The batch's events that have a viewer, with how many compliance findings the compliance stage (which
   * ran before) raised on each: one query.
   */
  async loadBatchEvents(batchId: string): Promise<FactorEvent[]> {
    const rows: {
      event_id: string;
      user_id: string;
      type: string;
      actor_type: string;
      country: string | null;
      at_ms: number;
      purpose: string | null;
      findings: number;
    }[] = await this.dataSource.query(
      // The batch's ids first, then primary-key lookups: joining event_receipts to processed_events lets
      // the planner pick a scan of processed_events when its estimates are off, forty times slower.
      `WITH batch AS (SELECT array_agg(event_id) AS ids FROM event_receipts WHERE batch_id = $1)
       SELECT p.event_id, p.user_id, p.type, p.actor_type, p.country,
              (extract(epoch FROM p.occurred_at) * 1000)::float8 AS at_ms,
              CASE WHEN p.type LIKE 'consent.%' THEN p.data ->> 'purpose' END AS purpose,
              coalesce(f.n, 0)::int AS findings
         FROM processed_events p
         LEFT JOIN (SELECT event_id, count(*) AS n FROM findings
                     WHERE event_id = ANY((SELECT ids FROM batch)::uuid[]) AND kind = 'compliance' GROUP BY event_id) f
                ON f.event_id = p.event_id
        WHERE p.event_id = ANY((SELECT ids FROM batch)::uuid[]) AND p.user_id IS NOT NULL`,
      [batchId],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      userId: row.user_id,
      type: row.type,
      actorType: row.actor_type,
      country: row.country,
      atMs: row.at_ms,
      purpose: row.purpose,
      complianceFindings: row.findings,
    }));
  }

  /**
   * Everything the stage decided for a batch, in one statement (so one round trip, and atomic):
   *  - user_risk: the latest score per viewer; a row scored from an older state never replaces a newer one
   *    (two workers may finish out of order);
   *  - user_segments: tier and behaviour segment;
   *  - user_risk_snapshots: one row per viewer per snapshot interval (taken_at = the interval's start),
   *    holding the highest-risk state of the interval, so a burst between two quiet periods is kept;
   *  - findings: anomaly findings, once per dedup key.
   * rollup_user_risk_daily is not written here: a viewer's daily highest score is the highest of their
   * snapshots that day, so analytics can roll it up off the hot path.
   * Every part is keyed, so a re-run of the batch leaves the same rows. Rows are written in user_id (and
   * finding key) order, table after table, so two workers whose batches share viewers take their row
   * locks in the same order and wait for each other instead of deadlocking.
   *
   * `snapshotWanted(i)` says whether assessment i's snapshot row could change anything (SnapshotMemo);
   * the others are left out of the snapshot upsert.
   */
  async write(
    assessments: readonly ViewerAssessment[],
    snapshotIntervalMs: number,
    snapshotWanted: (index: number) => boolean = () => true,
  ): Promise<WriteOutcome> {
    if (assessments.length === 0) return { findings: 0, snapshots: 0 };
    // Two JSON documents rather than twenty arrays: one JSON.stringify and one jsonb parse, instead of
    // escaping thousands of array elements on the client.
    const viewers = assessments.map((a, i) => ({
      user_id: a.userId,
      score: a.score.risk,
      model_version: a.modelVersion,
      detector: a.detector,
      factors: { ...roundValues(a.factors), asOfMs: a.asOfMs, details: a.details },
      contributions: a.score.contributions.map((c) => ({
        factor: c.factor,
        contribution: round(c.contribution),
        share: round(c.share),
      })),
      last_event_id: a.latestEventId,
      tier: a.tier,
      segment: a.segment,
      snapshot: snapshotWanted(i) ? factorsToArray(a.factors).map(round) : null,
      bucket: new Date(Math.floor(a.asOfMs / snapshotIntervalMs) * snapshotIntervalMs).toISOString(),
    }));
    const findings = assessments
      .flatMap((a) => (a.finding ? [a.finding] : []))
      .map((f) => ({
        dedup_key: f.dedupKey,
        event_id: f.eventId,
        user_id: f.userId,
        rule_version: f.ruleVersion,
        reference: f.reference,
        severity: f.severity,
        explanation: f.explanation,
        evidence: f.evidenceEventIds,
        details: f.details,
        occurred_at: new Date(f.occurredAtMs).toISOString(),
      }));
    const [outcome]: WriteOutcome[] = await this.dataSource.query(
      `WITH v AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS t(user_id text, score float8, model_version int, detector text, factors jsonb, contributions jsonb,
                last_event_id uuid, tier text, segment text, snapshot float8[], bucket timestamptz)
       ), risk AS (
         INSERT INTO user_risk AS r (user_id, score, model_version, detector, factors, contributions, scored_at, last_event_id)
         SELECT user_id, score, model_version, detector, factors, contributions, now(), last_event_id FROM v ORDER BY user_id
         ON CONFLICT (user_id) DO UPDATE
           SET score = EXCLUDED.score, model_version = EXCLUDED.model_version, detector = EXCLUDED.detector,
               factors = EXCLUDED.factors, contributions = EXCLUDED.contributions, scored_at = EXCLUDED.scored_at,
               last_event_id = EXCLUDED.last_event_id
           WHERE coalesce((r.factors ->> 'asOfMs')::float8, 0) <= (EXCLUDED.factors ->> 'asOfMs')::float8
       ), segments AS (
         INSERT INTO user_segments AS s (user_id, risk_tier, behaviour_segment, updated_at)
         SELECT user_id, tier, segment, now() FROM v ORDER BY user_id
         ON CONFLICT (user_id) DO UPDATE
           SET risk_tier = EXCLUDED.risk_tier, behaviour_segment = EXCLUDED.behaviour_segment, updated_at = EXCLUDED.updated_at
           WHERE (s.risk_tier, s.behaviour_segment) IS DISTINCT FROM (EXCLUDED.risk_tier, EXCLUDED.behaviour_segment)
       ), snapshots AS (
         INSERT INTO user_risk_snapshots AS s (user_id, taken_at, factors, score, model_version)
         SELECT user_id, bucket, snapshot, score, model_version FROM v WHERE snapshot IS NOT NULL ORDER BY user_id
         ON CONFLICT (user_id, taken_at) DO UPDATE
           SET factors = EXCLUDED.factors, score = EXCLUDED.score, model_version = EXCLUDED.model_version
           WHERE s.score IS NULL OR EXCLUDED.score > s.score
         RETURNING 1
       ), found AS (
         INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, reference, severity,
                               explanation, evidence_event_ids, details, occurred_at)
         SELECT dedup_key, 'ml', event_id, user_id, '${ANOMALY_RULE_ID}', rule_version, 'ML', reference, severity, explanation,
                evidence, details, occurred_at
           FROM jsonb_to_recordset($2::jsonb)
             AS t(dedup_key text, event_id uuid, user_id text, rule_version text, reference text, severity text, explanation text,
                  evidence uuid[], details jsonb, occurred_at timestamptz)
          ORDER BY dedup_key
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM found)::int AS findings, (SELECT count(*) FROM snapshots)::int AS snapshots`,
      [JSON.stringify(viewers), JSON.stringify(findings)],
    );
    return outcome;
  }

  /** One viewer's score, factors and segment; null when the viewer has not been scored. */
  async viewerRisk(userId: string, sql: Sql = this.dataSource): Promise<Record<string, unknown> | null> {
    const rows = await sql.query(
      `SELECT r.score, r.model_version, r.detector, r.factors, r.contributions, r.scored_at, r.last_event_id,
              s.risk_tier, s.behaviour_segment
         FROM user_risk r LEFT JOIN user_segments s ON s.user_id = r.user_id
        WHERE r.user_id = $1`,
      [userId],
    );
    return rows[0] ?? null;
  }

  /** Viewers per score bin (1..bins; a score of exactly 1 falls in the last bin). */
  scoreHistogram(bins: number, sql: Sql = this.dataSource): Promise<{ bin: number; viewers: number }[]> {
    return sql.query(
      `SELECT least(width_bucket(score, 0, 1, $1), $1) AS bin, count(*)::int AS viewers FROM user_risk GROUP BY 1 ORDER BY 1`,
      [bins],
    );
  }

  tierCounts(sql: Sql = this.dataSource): Promise<{ tier: string; viewers: number }[]> {
    return sql.query(`SELECT risk_tier AS tier, count(*)::int AS viewers FROM user_segments GROUP BY 1`);
  }

  segmentCounts(sql: Sql = this.dataSource): Promise<{ segment: string; viewers: number }[]> {
    return sql.query(
      `SELECT behaviour_segment AS segment, count(*)::int AS viewers FROM user_segments GROUP BY 1 ORDER BY 2 DESC`,
    );
  }

  scoredByCounts(sql: Sql = this.dataSource): Promise<{ detector: string; modelVersion: number | null; viewers: number }[]> {
    return sql.query(
      `SELECT detector, model_version AS "modelVersion", count(*)::int AS viewers FROM user_risk GROUP BY 1, 2 ORDER BY 3 DESC`,
    );
  }

  /** The explanations of the highest-scored viewers at or above `threshold`. */
  topContributions(
    threshold: number,
    limit: number,
    sql: Sql = this.dataSource,
  ): Promise<{ contributions: { factor: string; share: number }[] }[]> {
    return sql.query(`SELECT contributions FROM user_risk WHERE score >= $1 ORDER BY score DESC LIMIT $2`, [threshold, limit]);
  }

  /** How many snapshots the window holds, counting no further than `cap`. */
  async countSnapshotsInWindow(from: Date, to: Date, cap: number, sql: Sql = this.dataSource): Promise<number> {
    const rows: { n: number }[] = await sql.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM user_risk_snapshots WHERE taken_at >= $1 AND taken_at < $2 LIMIT $3) s`,
      [from, to, cap],
    );
    return rows[0].n;
  }

  /** The window's latest snapshots' factor vectors, newest first (training rows). */
  snapshotFactorsInWindow(from: Date, to: Date, limit: number, sql: Sql = this.dataSource): Promise<{ factors: number[] }[]> {
    return sql.query(
      `SELECT factors FROM user_risk_snapshots WHERE taken_at >= $1 AND taken_at < $2 ORDER BY taken_at DESC, user_id LIMIT $3`,
      [from, to, limit],
    );
  }

  /**
   * These viewers' snapshots in the window; `highestScoreFirst` keeps the most anomalous-looking ones
   * when the limit cuts (rows a model should learn to accept), otherwise any of them (evaluation).
   */
  snapshotsOfViewers(
    userIds: readonly string[],
    from: Date,
    to: Date,
    limit: number,
    highestScoreFirst: boolean,
    sql: Sql = this.dataSource,
  ): Promise<{ user_id: string; factors: number[] }[]> {
    return sql.query(
      `SELECT user_id, factors FROM user_risk_snapshots
        WHERE user_id = ANY($1) AND taken_at >= $2 AND taken_at < $3
        ${highestScoreFirst ? 'ORDER BY score DESC NULLS LAST, taken_at DESC' : ''} LIMIT $4`,
      [userIds, from, to, limit],
    );
  }

  /** Snapshots taken since `since`, newest first (drift against a model's training rows). */
  snapshotFactorsSince(since: Date, limit: number, sql: Sql = this.dataSource): Promise<{ factors: number[] }[]> {
    return sql.query(`SELECT factors FROM user_risk_snapshots WHERE taken_at >= $1 ORDER BY taken_at DESC LIMIT $2`, [
      since,
      limit,
    ]);
  }

  /** The latest factors of the most recently scored viewers with at least `minEvents1h` events, oldest first. */
  latestEvidencedFactors(
    minEvents1h: number,
    limit: number,
    sql: Sql = this.dataSource,
  ): Promise<{ user_id: string; factors: Record<string, unknown> }[]> {
    return sql.query(
      `SELECT user_id, factors FROM (
         SELECT user_id, factors, scored_at FROM user_risk
          WHERE (factors -> 'details' ->> 'events1h')::float8 >= $1
          ORDER BY scored_at DESC LIMIT $2) latest
        ORDER BY scored_at`,
      [minEvents1h, limit],
    );
  }
}

/**
 * Stored numbers keep nine significant decimals: a risk of 0.987654321 says all there is to say, and the
 * full seventeen digits would double the bytes every batch sends and PostgreSQL parses.
 */
function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(9)) : value;
}

function roundValues<T extends Record<string, number>>(values: T): T {
  const rounded = {} as Record<string, number>;
  for (const [key, value] of Object.entries(values)) rounded[key] = round(value);
  return rounded as T;
}
