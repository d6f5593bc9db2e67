/**
 * The SQL of the rollup maintainer. Each source is folded by its write time over a window
 * [watermark, upper) — $1 and $2 below — so a fold reads only rows written since the last one.
 *
 * Additive rollups (events, findings, consents) add the window's counts. Violations change after
 * they are written (severity escalates, first_seen moves earlier, a case is resolved), so the days a
 * changed violation counts on — before (from the ledger) and after the change — are recomputed
 * whole from the violations table. Viewer risk is overwritten per (viewer, day) from the stored
 * history. Every statement is keyed, so folding the same window twice cannot double-count; the
 * maintainer also advances the watermark in the same transaction.
 */

/**
 * The highest write time below which every row is committed and visible: no transaction still
 * running can write a row stamped earlier than its own start (now() is the transaction's start time,
 * and the pipeline stamps rows with it). Two seconds of margin cover the instant between a
 * transaction starting and it showing in pg_stat_activity. Transactions running for more than ten
 * minutes are not waited for (no pipeline transaction lasts that long; an idle psql session would
 * otherwise stop the rollups); rows they write are picked up by a rebuild.
 */
export const SAFE_UPPER_BOUND = `
  SELECT least(statement_timestamp() - interval '2 seconds',
               coalesce((SELECT min(xact_start) FROM pg_stat_activity
                          WHERE datname = current_database() AND pid <> pg_backend_pid()
                            AND backend_type = 'client backend' AND xact_start IS NOT NULL
                            AND xact_start > statement_timestamp() - interval '10 minutes'),
                        'infinity'::timestamptz)) AS upper`;

/**
 * Events per hour × type × country, and (same scan of the window) which viewers were active on
 * which UTC day, for the posture's denominator. A viewer already recorded for a day adds nothing;
 * events without a viewer (user_id null: security events) count as events but make nobody active.
 */
export const FOLD_EVENTS = `
  WITH win AS MATERIALIZED (
    SELECT occurred_at, type, country, user_id FROM processed_events WHERE processed_at >= $1 AND processed_at < $2
  ), counted AS (
    SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, type, coalesce(country::text, '--') AS country, count(*) AS n
      FROM win GROUP BY 1, 2, 3
  ), upserted AS (
    INSERT INTO rollup_events_hourly AS r (hour, event_type, country, event_count)
    SELECT hour, type, country, n FROM counted
    ON CONFLICT (hour, event_type, country) DO UPDATE SET event_count = r.event_count + EXCLUDED.event_count
  ), active AS (
    INSERT INTO rollup_active_viewers_daily (day, user_id)
    SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date, user_id FROM win WHERE user_id IS NOT NULL
    ON CONFLICT DO NOTHING
  )
  SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`;

export const REBUILD_EVENTS = [
  `DELETE FROM rollup_events_hourly`,
  `DELETE FROM rollup_active_viewers_daily`,
  `INSERT INTO rollup_active_viewers_daily (day, user_id)
   SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date, user_id FROM processed_events
    WHERE processed_at < $1 AND user_id IS NOT NULL`,
  `WITH counted AS (
     SELECT date_trunc('hour', occurred_at, 'UTC') AS hour, type, coalesce(country::text, '--') AS country, count(*) AS n
       FROM processed_events WHERE processed_at < $1 GROUP BY 1, 2, 3
   ), inserted AS (
     INSERT INTO rollup_events_hourly (hour, event_type, country, event_count) SELECT hour, type, country, n FROM counted
   )
   SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`,
];

export const FOLD_FINDINGS = `
  WITH counted AS (
    SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, kind, framework, severity, count(*) AS n
      FROM findings WHERE created_at >= $1 AND created_at < $2
     GROUP BY 1, 2, 3, 4
  ), upserted AS (
    INSERT INTO rollup_findings_daily AS r (day, kind, framework, severity, finding_count)
    SELECT day, kind, framework, severity, n FROM counted
    ON CONFLICT (day, kind, framework, severity) DO UPDATE SET finding_count = r.finding_count + EXCLUDED.finding_count
  )
  SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`;

export const REBUILD_FINDINGS = [
  `DELETE FROM rollup_findings_daily`,
  `WITH counted AS (
     SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, kind, framework, severity, count(*) AS n
       FROM findings WHERE created_at < $1 GROUP BY 1, 2, 3, 4
   ), inserted AS (
     INSERT INTO rollup_findings_daily (day, kind, framework, severity, finding_count) SELECT day, kind, framework, severity, n FROM counted
   )
   SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`,
];

export const FOLD_CONSENTS = `
  WITH counted AS (
    SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, purpose, state, count(*) AS n
      FROM consents WHERE recorded_at >= $1 AND recorded_at < $2
     GROUP BY 1, 2, 3
  ), upserted AS (
    INSERT INTO rollup_consents_daily AS r (day, purpose, state, consent_count)
    SELECT day, purpose, state, n FROM counted
    ON CONFLICT (day, purpose, state) DO UPDATE SET consent_count = r.consent_count + EXCLUDED.consent_count
  )
  SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`;

export const REBUILD_CONSENTS = [
  `DELETE FROM rollup_consents_daily`,
  `WITH counted AS (
     SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, purpose, state, count(*) AS n
       FROM consents WHERE recorded_at < $1 GROUP BY 1, 2, 3
   ), inserted AS (
     INSERT INTO rollup_consents_daily (day, purpose, state, consent_count) SELECT day, purpose, state, n FROM counted
   )
   SELECT coalesce(sum(n), 0)::bigint AS folded FROM counted`,
];

/**
 * Violations changed in the window: records the days each now counts on in the ledger and returns
 * every day to recompute — the days it counted on before (ledger), the days it counts on now, and the
 * day of the change (where a case decision's in-transaction resolved counter lands).
 */
export const COLLECT_VIOLATION_DAYS = `
  WITH changed AS (
    SELECT id, (first_seen AT TIME ZONE 'UTC')::date AS opened_day, (resolved_at AT TIME ZONE 'UTC')::date AS resolved_day,
           (updated_at AT TIME ZONE 'UTC')::date AS touched_day
      FROM violations WHERE updated_at >= $1 AND updated_at < $2
  ), previous AS (
    SELECT l.opened_day, l.resolved_day FROM rollup_violation_ledger l JOIN changed c ON c.id = l.violation_id
  ), recorded AS (
    INSERT INTO rollup_violation_ledger AS l (violation_id, opened_day, resolved_day)
    SELECT id, opened_day, resolved_day FROM changed
    ON CONFLICT (violation_id) DO UPDATE SET opened_day = EXCLUDED.opened_day, resolved_day = EXCLUDED.resolved_day
  )
  SELECT (SELECT count(*) FROM changed)::bigint AS folded,
         coalesce((SELECT array_agg(DISTINCT d::text) FROM (
                    SELECT opened_day FROM changed UNION ALL SELECT resolved_day FROM changed UNION ALL SELECT touched_day FROM changed
                    UNION ALL SELECT opened_day FROM previous UNION ALL SELECT resolved_day FROM previous) days(d)
                   WHERE d IS NOT NULL), '{}') AS days`;

/** Recomputes whole days of rollup_violations_daily ($1: date[]): opened by first_seen, resolved by resolved_at. */
export const RECOMPUTE_VIOLATION_DAYS = `
  WITH days AS (SELECT DISTINCT d AS day FROM unnest($1::date[]) AS t(d)),
  counted AS (
    SELECT days.day, v.framework, v.severity, count(*) AS opened, 0::bigint AS resolved
      FROM days JOIN violations v ON v.first_seen >= days.day::timestamp AT TIME ZONE 'UTC'
                                 AND v.first_seen < (days.day + 1)::timestamp AT TIME ZONE 'UTC'
     GROUP BY 1, 2, 3
    UNION ALL
    SELECT days.day, v.framework, v.severity, 0::bigint, count(*)
      FROM days JOIN violations v ON v.resolved_at >= days.day::timestamp AT TIME ZONE 'UTC'
                                 AND v.resolved_at < (days.day + 1)::timestamp AT TIME ZONE 'UTC'
     GROUP BY 1, 2, 3
  ), merged AS (
    SELECT day, framework, severity, sum(opened)::bigint AS opened, sum(resolved)::bigint AS resolved FROM counted GROUP BY 1, 2, 3
  ), cleared AS (
    DELETE FROM rollup_violations_daily r USING days
     WHERE r.day = days.day
       AND NOT EXISTS (SELECT 1 FROM merged m WHERE m.day = r.day AND m.framework = r.framework AND m.severity = r.severity)
  )
  INSERT INTO rollup_violations_daily AS r (day, framework, severity, opened_count, resolved_count)
  SELECT day, framework, severity, opened, resolved FROM merged ORDER BY 1, 2, 3
  ON CONFLICT (day, framework, severity) DO UPDATE
    SET opened_count = EXCLUDED.opened_count, resolved_count = EXCLUDED.resolved_count`;

export const REBUILD_VIOLATIONS = [
  `DELETE FROM rollup_violation_ledger`,
  `DELETE FROM rollup_violations_daily`,
  `INSERT INTO rollup_violation_ledger (violation_id, opened_day, resolved_day)
   SELECT id, (first_seen AT TIME ZONE 'UTC')::date, (resolved_at AT TIME ZONE 'UTC')::date FROM violations`,
  `WITH counted AS (
     SELECT (first_seen AT TIME ZONE 'UTC')::date AS day, framework, severity, count(*) AS opened, 0::bigint AS resolved
       FROM violations GROUP BY 1, 2, 3
     UNION ALL
     SELECT (resolved_at AT TIME ZONE 'UTC')::date, framework, severity, 0::bigint, count(*)
       FROM violations WHERE resolved_at IS NOT NULL GROUP BY 1, 2, 3
   ), merged AS (
     SELECT day, framework, severity, sum(opened)::bigint AS opened, sum(resolved)::bigint AS resolved FROM counted GROUP BY 1, 2, 3
   ), inserted AS (
     INSERT INTO rollup_violations_daily (day, framework, severity, opened_count, resolved_count)
     SELECT day, framework, severity, opened, resolved FROM merged
   )
   SELECT (SELECT count(*) FROM violations)::bigint AS folded`,
];

/**
 * The day a risk score is about: the time of the newest event it reflects (the ML stage stores it
 * as factors.asOfMs), else when it was scored.
 */
const RISK_DAY = `(CASE WHEN jsonb_typeof(factors -> 'asOfMs') = 'number'
                        THEN to_timestamp((factors ->> 'asOfMs')::float8 / 1000) ELSE scored_at END AT TIME ZONE 'UTC')::date`;

/**
 * Viewers scored in the window: their (viewer, day) row becomes the day's highest score — over what
 * the row held, the day's snapshots and the current score — and the current score as the day's last.
 */
export const FOLD_USER_RISK = `
  WITH current AS (
    SELECT user_id, score, ${RISK_DAY} AS day FROM user_risk WHERE scored_at >= $1 AND scored_at < $2
  ), snapshot_days AS (
    SELECT c.user_id, c.day, max(s.score) AS max_score
      FROM current c JOIN user_risk_snapshots s ON s.user_id = c.user_id
           AND s.taken_at >= c.day::timestamp AT TIME ZONE 'UTC' AND s.taken_at < (c.day + 1)::timestamp AT TIME ZONE 'UTC'
     WHERE s.score IS NOT NULL GROUP BY 1, 2
  ), upserted AS (
    INSERT INTO rollup_user_risk_daily AS d (day, user_id, max_score, last_score)
    SELECT c.day, c.user_id, greatest(c.score, s.max_score), c.score
      FROM current c LEFT JOIN snapshot_days s ON s.user_id = c.user_id AND s.day = c.day
    ON CONFLICT (user_id, day) DO UPDATE
      SET max_score = greatest(d.max_score, EXCLUDED.max_score), last_score = EXCLUDED.last_score
  )
  SELECT count(*)::bigint AS folded FROM current`;

/**
 * From the stored history: snapshots keep each viewer's highest score per 15-minute interval, so a
 * past day's maximum is exact and its last score is the highest of its last interval; the current
 * score then overwrites the day it is about (FOLD_USER_RISK over all rows).
 */
export const REBUILD_USER_RISK = [
  `DELETE FROM rollup_user_risk_daily`,
  `INSERT INTO rollup_user_risk_daily (day, user_id, max_score, last_score)
   SELECT (taken_at AT TIME ZONE 'UTC')::date, user_id, max(score), (array_agg(score ORDER BY taken_at DESC))[1]
     FROM user_risk_snapshots WHERE score IS NOT NULL GROUP BY 1, 2`,
];
