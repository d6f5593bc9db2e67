import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FactorEvent } from '../domain/factor-updates';
import { ANOMALY_RULE_ID, ViewerAssessment } from '../domain/viewer-assessment';
import { factorsToArray } from '../domain/risk-factors';

export interface WriteOutcome {
  findings: number;
  snapshots: number;
}

/** The ML stage's reads and writes in PostgreSQL: one query to read a batch, one statement to write it. */
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
