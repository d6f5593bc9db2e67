import { DataSource } from 'typeorm';
import { RollupMaintainer } from '../../../src/analytics/rollups/rollup-maintainer';
import { waitFor } from '../../support/test-app';

/**
 * A small, fixed data set in March 2005 (far from anything other suites write), with every expected
 * answer computed by hand in the comments. Frameworks are T-GDPR, T-CCPA and T-ML and viewers
 * `ana-*`, so suites sharing the database neither see nor disturb it.
 *
 * Period P = [2005-03-01, 2005-03-04) — three UTC days; previous period = [2005-02-26, 2005-03-01).
 *
 * Events (processed_events, hour × type × country):
 *   03-01 10:15 auth.login.failed DE ×2, 03-01 10:45 auth.login.failed FR ×1, 03-01 11:05 playback.started DE ×3,
 *   03-02 09:00 playback.started (no country) ×1, 03-03 23:59 consent.granted FR ×2        → 9 in P
 *   02-27 12:00 playback.started DE ×4                                                      → 4 in previous period
 *   03-10 00:00 auth.login.failed DE ×5, 03-10 01:00 auth.login.failed DE ×1 (no viewer)     → outside both
 * Viewers of the events (for the posture's active viewers): 03-01 10:15 and 03-03 ana-v1, 03-01 10:45 ana-v2,
 *   03-01 11:05 ana-v3, 03-02 ana-v4, 02-27 ana-v1 ×2 (12:00) and ana-v5 ×2 (12:30), 03-10 ana-v2.
 *   Active in P: v1 v2 v3 v4 (A = 4); in the previous period: v1 v5 (A = 2).
 *
 * Violations (framework severity first_seen → status):
 *   V1 T-GDPR critical 03-01 08:00 open            V2 T-GDPR low 03-02 08:00 open
 *   V3 T-GDPR medium 02-27 08:00 resolved 03-02     V4 T-GDPR medium 03-01 09:00 resolved 03-03
 *   V5 T-CCPA high 02-20 08:00 acknowledged        V6 T-CCPA low 03-02 10:00 false positive 03-02 11:00
 *   V7 T-ML high 03-10 08:00 open (after P)
 *   Viewers: V1 V2 ana-v1, V3 ana-v5, V4 ana-v2, V5 ana-v3, V6 ana-v4, V7 ana-v2.
 *   Open at the end of P (03-04 00:00): V1 (2.667 days old), V2 (1.667), V5 (11.667).
 *   Posture over P (share of active viewers with no open case):
 *     T-GDPR V = {v1} → 100 × 3/4 = 75; ages 1.667, 2.667 → median 2.2, p90 2.6, oldest 2.7; opened 3 (V1 V2 V4), resolved 2 (V3 V4)
 *     T-CCPA V = {v3} → 75; age 11.7; opened 1 (V6), resolved 1 (V6)
 *     overall V = {v1, v3} → 50; ages 1.667 2.667 11.667 → median 2.7, p90 2.667 + 0.8 × 9 = 9.9, oldest 11.7; opened 4, resolved 3
 *   Previous period (end 03-01 00:00; open then: V3 1.667 days, V5 8.667 days):
 *     T-GDPR V = {v5} → 100 × 1/2 = 50 (change +25); T-CCPA V = {} (v3 not active then) → 100 (change −25);
 *     overall V = {v5} → 50 (change 0); ages median 5.2, p90 1.667 + 0.9 × 7 = 8.0, oldest 8.7
 *   Viewers: V1 V2 ana-v1, V3 ana-v5, V4 ana-v2, V5 ana-v3, V6 ana-v4, V7 ana-v2.
 *   Open at the end of P (03-04 00:00): V1 (2.667 days old), V2 (1.667), V5 (11.667).
 *   Posture over P (share of active viewers with no open case):
 *     T-GDPR V = {v1} → 100 × 3/4 = 75; ages 1.667, 2.667 → median 2.2, p90 2.6, oldest 2.7; opened 3 (V1 V2 V4), resolved 2 (V3 V4)
 *     T-CCPA V = {v3} → 75; age 11.7; opened 1 (V6), resolved 1 (V6)
 *     overall V = {v1, v3} → 50; ages 1.667 2.667 11.667 → median 2.7, p90 2.667 + 0.8 × 9 = 9.9, oldest 11.7; opened 4, resolved 3
 *   Previous period (end 03-01 00:00; open then: V3 1.667 days, V5 8.667 days):
 *     T-GDPR V = {v5} → 100 × 1/2 = 50 (change +25); T-CCPA V = {} (v3 not active then) → 100 (change −25);
 *     overall V = {v5} → 50 (change 0); ages median 5.2, p90 1.667 + 0.9 × 7 = 8.0, oldest 8.7
 *   Posture over P: T-GDPR O = 10 (V1) + 1 (V2) = 11, R = 2 + 2 (V3, V4) = 4 → 100 × (1 − 11/16) = 31.25 → 31.3
 *                   T-CCPA O = 5 (V5), R = 1 (V6) → 100 × (1 − 5/7) = 28.57 → 28.6;  overall O 16, R 5 → 27.27 → 27.3
 *   Previous period: T-GDPR O = 2 (V3 open then), T-CCPA O = 5 (V5), R = 0 → 100 × (1 − 7/8) = 12.5
 *
 * Findings (all linked to V1, so the violation sweeper leaves them alone): compliance T-GDPR high 03-01 ×2,
 *   compliance T-CCPA low 03-02 ×1, ml T-ML high 03-02 ×1, security T-SEC critical 03-03 ×1 → 5 in P.
 * Consents: analytics granted 03-01 ×2, analytics withdrawn 03-02 ×1, marketing granted 03-03 ×1,
 *   marketing withdrawn 02-27 ×1 (outside P).
 * Data-subject requests: see DSR below. Viewers: see RISK below (written in three steps, as the ML stage would).
 * Pipeline: stage latency minutes on 03-01 10:00-10:01, two done batches (1 s and 3 s end to end), one dead batch.
 */
export const PERIOD = { from: '2005-03-01T00:00:00.000Z', to: '2005-03-04T00:00:00.000Z' };
export const PERIOD_QUERY = `from=2005-03-01T00:00:00Z&to=2005-03-04T00:00:00Z`;

export const MODEL_VERSION = 900_001;
export const BATCH_IDS = [
  'a0000000-0000-4000-8000-000000000001',
  'a0000000-0000-4000-8000-000000000002',
  'a0000000-0000-4000-8000-000000000003',
];

const EVENTS: [string, string, string | null, number, string | null][] = [
  ['2005-03-01T10:15:00Z', 'auth.login.failed', 'DE', 2, 'ana-v1'],
  ['2005-03-01T10:45:00Z', 'auth.login.failed', 'FR', 1, 'ana-v2'],
  ['2005-03-01T11:05:00Z', 'playback.started', 'DE', 3, 'ana-v3'],
  ['2005-03-02T09:00:00Z', 'playback.started', null, 1, 'ana-v4'],
  ['2005-03-03T23:59:00Z', 'consent.granted', 'FR', 2, 'ana-v1'],
  ['2005-02-27T12:00:00Z', 'playback.started', 'DE', 2, 'ana-v1'],
  ['2005-02-27T12:30:00Z', 'playback.started', 'DE', 2, 'ana-v5'],
  ['2005-03-10T00:00:00Z', 'auth.login.failed', 'DE', 5, 'ana-v2'],
  // No viewer (a security event): an event, but nobody active — and the fold must not stumble on it.
  ['2005-03-10T01:00:00Z', 'auth.login.failed', 'DE', 1, null],
];

const VIOLATIONS: {
  id: string;
  framework: string;
  severity: string;
  rule: string;
  firstSeen: string;
  status: string;
  resolvedAt: string | null;
  userId: string;
}[] = [
  {
    id: 'b0000000-0000-4000-8000-000000000001',
    framework: 'T-GDPR',
    severity: 'critical',
    rule: 'T-GDPR-A',
    firstSeen: '2005-03-01T08:00:00Z',
    status: 'open',
    resolvedAt: null,
    userId: 'ana-v1',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000002',
    framework: 'T-GDPR',
    severity: 'low',
    rule: 'T-GDPR-A',
    firstSeen: '2005-03-02T08:00:00Z',
    status: 'open',
    resolvedAt: null,
    userId: 'ana-v1',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000003',
    framework: 'T-GDPR',
    severity: 'medium',
    rule: 'T-GDPR-B',
    firstSeen: '2005-02-27T08:00:00Z',
    status: 'resolved',
    resolvedAt: '2005-03-02T12:00:00Z',
    userId: 'ana-v5',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000004',
    framework: 'T-GDPR',
    severity: 'medium',
    rule: 'T-GDPR-A',
    firstSeen: '2005-03-01T09:00:00Z',
    status: 'resolved',
    resolvedAt: '2005-03-03T12:00:00Z',
    userId: 'ana-v2',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000005',
    framework: 'T-CCPA',
    severity: 'high',
    rule: 'T-CCPA-A',
    firstSeen: '2005-02-20T08:00:00Z',
    status: 'acknowledged',
    resolvedAt: null,
    userId: 'ana-v3',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000006',
    framework: 'T-CCPA',
    severity: 'low',
    rule: 'T-CCPA-A',
    firstSeen: '2005-03-02T10:00:00Z',
    status: 'false_positive',
    resolvedAt: '2005-03-02T11:00:00Z',
    userId: 'ana-v4',
  },
  {
    id: 'b0000000-0000-4000-8000-000000000007',
    framework: 'T-ML',
    severity: 'high',
    rule: 'T-ML-A',
    firstSeen: '2005-03-10T08:00:00Z',
    status: 'open',
    resolvedAt: null,
    userId: 'ana-v2',
  },
];
export const V = Object.fromEntries(VIOLATIONS.map((v, i) => [`V${i + 1}`, v.id])) as Record<string, string>;

const FINDINGS: [string, string, string, string, number][] = [
  ['compliance', 'T-GDPR', 'high', '2005-03-01T10:15:00Z', 2],
  ['compliance', 'T-CCPA', 'low', '2005-03-02T09:00:00Z', 1],
  ['ml', 'T-ML', 'high', '2005-03-02T09:00:00Z', 1],
  ['security', 'T-SEC', 'critical', '2005-03-03T23:59:00Z', 1],
];

const CONSENTS: [string, string, string, number][] = [
  ['analytics', 'granted', '2005-03-01T12:00:00Z', 2],
  ['analytics', 'withdrawn', '2005-03-02T12:00:00Z', 1],
  ['marketing', 'granted', '2005-03-03T12:00:00Z', 1],
  ['marketing', 'withdrawn', '2005-02-27T12:00:00Z', 1],
];

/**
 * DSR, by type over P ("answered" = completed or refused):
 *   access      D1 opened 02-20, due 03-02, completed 03-01 (met, 9 days); D2 opened 02-25, due 03-02, completed 03-03 (late, 6 days)
 *   erasure     D3 opened 03-01, due 03-31, open (open at end); D4 opened 02-01, due 03-02, open (overdue at end: missed)
 *   portability D5 opened 03-02, due 04-01, refused 03-03 (met, 1 day)
 */
const DSR: {
  id: string;
  type: string;
  opened: string;
  due: string;
  completed?: string;
  refused?: string;
  status: string;
}[] = [
  {
    id: 'ana-D1',
    type: 'access',
    opened: '2005-02-20T00:00:00Z',
    due: '2005-03-02T00:00:00Z',
    completed: '2005-03-01T00:00:00Z',
    status: 'completed',
  },
  {
    id: 'ana-D2',
    type: 'access',
    opened: '2005-02-25T00:00:00Z',
    due: '2005-03-02T00:00:00Z',
    completed: '2005-03-03T00:00:00Z',
    status: 'completed',
  },
  {
    id: 'ana-D3',
    type: 'erasure',
    opened: '2005-03-01T00:00:00Z',
    due: '2005-03-31T00:00:00Z',
    status: 'open',
  },
  {
    id: 'ana-D4',
    type: 'erasure',
    opened: '2005-02-01T00:00:00Z',
    due: '2005-03-02T00:00:00Z',
    status: 'open',
  },
  {
    id: 'ana-D5',
    type: 'portability',
    opened: '2005-03-02T00:00:00Z',
    due: '2005-04-01T00:00:00Z',
    refused: '2005-03-03T00:00:00Z',
    status: 'refused',
  },
];

/**
 * RISK — viewer ana-u-a is scored three times, a day apart, each time with its 15-minute snapshot:
 *   step 1: snapshots 03-01 10:00 → 0.8 and 10:15 → 0.6; current 0.6 (as of 03-01 10:20)  → day 03-01: max 0.8, last 0.6
 *   step 2: snapshot 03-02 09:00 → 0.9; current 0.9 (as of 03-02 09:05)                     → day 03-02: max 0.9, last 0.9
 *   step 3: snapshot 03-03 12:00 → 0.97; current 0.97 (as of 03-03 12:00)                   → day 03-03: max 0.97, last 0.97
 * Viewers ana-u-b 0.85 (high), ana-u-c 0.45 (medium), ana-u-d 0.12 (low), all as of 03-02 (no snapshots), in step 1.
 * Flagged (≥ 0.95) per day: 03-01 1 viewer, 0 flagged; 03-02 4 viewers (mean max 0.58), 0 flagged; 03-03 1 viewer, 1 flagged.
 */
export const RISK_STEPS: { snapshots: [string, number][]; score: number; asOf: string }[] = [
  {
    snapshots: [
      ['2005-03-01T10:00:00Z', 0.8],
      ['2005-03-01T10:15:00Z', 0.6],
    ],
    score: 0.6,
    asOf: '2005-03-01T10:20:00Z',
  },
  { snapshots: [['2005-03-02T09:00:00Z', 0.9]], score: 0.9, asOf: '2005-03-02T09:05:00Z' },
  { snapshots: [['2005-03-03T12:00:00Z', 0.97]], score: 0.97, asOf: '2005-03-03T12:00:00Z' },
];
const OTHER_VIEWERS: [string, number, string, string][] = [
  ['ana-u-b', 0.85, 'high', 'data_access'],
  ['ana-u-c', 0.45, 'medium', 'regular'],
  ['ana-u-d', 0.12, 'low', 'regular'],
];

export async function insertFixture(ds: DataSource, options: { activeModel: boolean }): Promise<void> {
  for (const [at, type, country, n, userId] of EVENTS) {
    await ds.query(
      `INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, country)
       SELECT gen_random_uuid(), $1, $1, $2, $5, 'viewer', $3 FROM generate_series(1, $4)`,
      [at, type, country, n, userId],
    );
  }
  for (const v of VIOLATIONS) {
    await ds.query(
      `INSERT INTO violations (id, dedup_key, group_key, kind, rule_id, rule_version, framework, severity, base_severity, user_id, status,
                               first_seen, last_seen, resolved_at)
       VALUES ($1::uuid, 'ana-' || $1::text, 'ana-' || $1::text, 'compliance', $2, '1', $3, $4, $4, $8, $5, $6, $6, $7)`,
      [v.id, v.rule, v.framework, v.severity, v.status, v.firstSeen, v.resolvedAt, v.userId],
    );
  }
  for (const [kind, framework, severity, at, n] of FINDINGS) {
    await ds.query(
      `INSERT INTO findings (dedup_key, kind, user_id, rule_id, rule_version, framework, severity, explanation, occurred_at, violation_id)
       SELECT 'ana-' || gen_random_uuid(), $1, 'ana-viewer', 'T-RULE', '1', $2, $3, 'fixture', $4, $5 FROM generate_series(1, $6)`,
      [kind, framework, severity, at, V.V1, n],
    );
  }
  for (const [purpose, state, at, n] of CONSENTS) {
    await ds.query(
      `INSERT INTO consents (event_id, user_id, purpose, state, basis, occurred_at)
       SELECT gen_random_uuid(), 'ana-viewer', $1, $2, 'consent', $3 FROM generate_series(1, $4)`,
      [purpose, state, at, n],
    );
  }
  for (const d of DSR) {
    await ds.query(
      `INSERT INTO dsar_requests (request_id, user_id, type, jurisdiction, calendar, opened_at, due_at, completed_at, refused_at, status, opened_event_id)
       VALUES ($1, 'ana-viewer', $2, 'EU', 'calendar', $3, $4, $5, $6, $7, gen_random_uuid())`,
      [d.id, d.type, d.opened, d.due, d.completed ?? null, d.refused ?? null, d.status],
    );
  }
  await ds.query(
    `INSERT INTO ml_models (version, algorithm, parameters, sample_size, artifact, created_by, active, activated_at)
     VALUES ($1, 'ensemble', '{}', 1000, '{}', 'ana-fixture', $2, CASE WHEN $2 THEN now() END)`,
    [MODEL_VERSION, options.activeModel],
  );
  for (const [userId, score, tier, segment] of OTHER_VIEWERS) {
    await ds.query(
      `INSERT INTO user_risk (user_id, score, detector, factors, contributions, scored_at)
       VALUES ($1, $2, 'ensemble', jsonb_build_object('asOfMs', extract(epoch FROM '2005-03-02T00:00:00Z'::timestamptz) * 1000),
               '[{"factor":"dataAccess","contribution":0.5,"share":0.6},{"factor":"errors","contribution":0.1,"share":0.4}]', now())`,
      [userId, score],
    );
    await ds.query(`INSERT INTO user_segments (user_id, risk_tier, behaviour_segment) VALUES ($1, $2, $3)`, [
      userId,
      tier,
      segment,
    ]);
  }
  await ds.query(
    `INSERT INTO user_segments (user_id, risk_tier, behaviour_segment) VALUES ('ana-u-a', 'critical', 'account_takeover')`,
  );
  await writeRiskStep(ds, 0);

  // Pipeline: reception 2 batches (40 ms in all, max 30) and alerting 3 batches (15 ms, max 6), 150 events through the last stage.
  await ds.query(
    `INSERT INTO rollup_stage_latency_minutely (minute, stage, batches, events, total_ms, max_ms) VALUES
       ('2005-03-01T10:00:00Z', 'reception', 2, 100, 40, 30),
       ('2005-03-01T10:00:00Z', 'alerting', 2, 100, 10, 6),
       ('2005-03-01T10:01:00Z', 'alerting', 1, 50, 5, 5)`,
  );
  // Done batches of 1 s and 3 s end to end (p50 2000, p95 2900, p99 2980 ms); one batch dead at compliance.
  await ds.query(
    `INSERT INTO pipeline_batches (batch_id, created_at, event_count, stage, status, completed_at) VALUES
       ($1, '2005-03-01T10:00:00Z', 10, 'done', 'done', '2005-03-01T10:00:01Z'),
       ($2, '2005-03-01T10:00:00Z', 10, 'done', 'done', '2005-03-01T10:00:03Z'),
       ($3, '2005-03-02T10:00:00Z', 5, 'compliance', 'dead', NULL)`,
    BATCH_IDS,
  );
}

/** One scoring of ana-u-a as the ML stage writes it: its interval snapshots and the current score. */
export async function writeRiskStep(ds: DataSource, step: number): Promise<void> {
  const s = RISK_STEPS[step];
  for (const [at, score] of s.snapshots) {
    await ds.query(
      `INSERT INTO user_risk_snapshots (user_id, taken_at, factors, score) VALUES ('ana-u-a', $1, '{0,0,0,0,0,0}', $2)`,
      [at, score],
    );
  }
  await ds.query(
    `INSERT INTO user_risk (user_id, score, detector, factors, contributions, scored_at)
     VALUES ('ana-u-a', $1, 'ensemble', jsonb_build_object('asOfMs', extract(epoch FROM $2::timestamptz) * 1000),
             '[{"factor":"authFailures","contribution":0.6,"share":0.7},{"factor":"geoMovement","contribution":0.2,"share":0.3}]', now())
     ON CONFLICT (user_id) DO UPDATE SET score = EXCLUDED.score, factors = EXCLUDED.factors, scored_at = now()`,
    [s.score, s.asOf],
  );
}

/**
 * Folds until the rollups hold the fixture: a fold takes rows written at least two seconds ago
 * (the maintainer's safety margin), so it is repeated until they are in.
 */
export async function foldUntil(
  ds: DataSource,
  maintainer: RollupMaintainer,
  ready: (ds: DataSource) => Promise<boolean>,
): Promise<void> {
  await waitFor(
    async () => {
      await maintainer.fold();
      return ready(ds);
    },
    (ok) => ok,
    { timeoutMs: 20_000, intervalMs: 400 },
  );
}

/** True when every part of the base fixture has reached the rollups. */
export async function fixtureFolded(ds: DataSource): Promise<boolean> {
  const [r] = await ds.query(
    `SELECT (SELECT coalesce(sum(event_count), 0) FROM rollup_events_hourly WHERE hour >= '2005-01-01' AND hour < '2006-01-01')::int AS events,
            (SELECT coalesce(sum(finding_count), 0) FROM rollup_findings_daily WHERE day >= '2005-01-01' AND day < '2006-01-01')::int AS findings,
            (SELECT coalesce(sum(opened_count), 0) FROM rollup_violations_daily WHERE framework LIKE 'T-%')::int AS violations,
            (SELECT coalesce(sum(consent_count), 0) FROM rollup_consents_daily WHERE day >= '2005-01-01' AND day < '2006-01-01')::int AS consents,
            (SELECT count(*) FROM rollup_user_risk_daily WHERE user_id LIKE 'ana-%')::int AS risk`,
  );
  return r.events === 19 && r.findings === 5 && r.violations === 7 && r.consents === 5 && r.risk === 4;
}

/** Removes the fixture and rebuilds the rollups, leaving the database as other suites expect it. */
export async function removeFixture(ds: DataSource, maintainer: RollupMaintainer): Promise<void> {
  await ds.query(`DELETE FROM processed_events WHERE user_id LIKE 'ana-%'`);
  await ds.query(
    `DELETE FROM processed_events WHERE user_id IS NULL AND occurred_at >= '2005-01-01' AND occurred_at < '2006-01-01'`,
  );
  await ds.query(`DELETE FROM findings WHERE dedup_key LIKE 'ana-%'`);
  await ds.query(
    `DELETE FROM rollup_violation_ledger WHERE violation_id IN (SELECT id FROM violations WHERE dedup_key LIKE 'ana-%')`,
  );
  await ds.query(`DELETE FROM violations WHERE dedup_key LIKE 'ana-%'`);
  await ds.query(`DELETE FROM consents WHERE user_id = 'ana-viewer'`);
  await ds.query(`DELETE FROM dsar_requests WHERE request_id LIKE 'ana-%'`);
  await ds.query(`DELETE FROM user_risk_snapshots WHERE user_id LIKE 'ana-%'`);
  await ds.query(`DELETE FROM user_risk WHERE user_id LIKE 'ana-%'`);
  await ds.query(`DELETE FROM user_segments WHERE user_id LIKE 'ana-%'`);
  await ds.query(`DELETE FROM ml_models WHERE version = $1`, [MODEL_VERSION]);
  await ds.query(
    `DELETE FROM rollup_stage_latency_minutely WHERE minute >= '2005-01-01' AND minute < '2006-01-01'`,
  );
  await ds.query(`DELETE FROM pipeline_batches WHERE batch_id = ANY($1::uuid[])`, [BATCH_IDS]);
  await ds.query(`DELETE FROM reports WHERE period_start >= '2005-01-01' AND period_start < '2006-01-01'`);
  await maintainer.rebuild();
}
