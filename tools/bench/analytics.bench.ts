/**
 * Analytics benchmark (scripts/bench-analytics.sh starts the stack and runs the phases in order):
 *
 *   node dist/tools/bench/analytics.bench.js load    [--events 10000000] [--previous-events 1000000] [--viewers 200000]
 *   node dist/tools/bench/analytics.bench.js fold    [--events 100000]   new events, then one incremental fold, timed
 *   node dist/tools/bench/analytics.bench.js measure --url http://127.0.0.1:3310 [--cold 15] [--warm 200]
 *
 * `load` writes a 30-day data set straight into the tables in SQL (INSERT … SELECT generate_series),
 * as the pipeline would have left it: processed events, findings, violations, consents, data-subject
 * requests, viewer risk with daily snapshots, segments, an active model, stage latency per minute and
 * pipeline batches. Event ids grow with time, as the pipeline's do in effect, so the primary key is
 * appended to rather than scattered. `measure` prints p50/p95 of every analytics endpoint for the
 * 30 days, cold (cache cleared before each request) and warm, and times a 30-day report of each type.
 */
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { RollupQueries } from '../../src/analytics/persistence/rollup-queries';
import { sqlOf } from '../../src/analytics/persistence/sql';
import { ReportBuilder } from '../../src/reporting/content/report-builder';
import { renderReport } from '../../src/reporting/render/render';
import { argValue, summarise } from './bench-support';

const DAY_MS = 86_400_000;
const config = loadConfig();

/** The bench's 30 days end at today's UTC midnight. */
function window(): { from: Date; to: Date; previousFrom: Date } {
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  return {
    from: new Date(to.getTime() - 30 * DAY_MS),
    to,
    previousFrom: new Date(to.getTime() - 60 * DAY_MS),
  };
}

const TYPES: [string, number][] = [
  ['playback.started', 26],
  ['playback.stopped', 22],
  ['auth.login.succeeded', 8],
  ['auth.login.failed', 3],
  ['auth.logout', 4],
  ['auth.password_reset', 1],
  ['ad.served', 9],
  ['tracking.fired', 9],
  ['consent.granted', 3],
  ['consent.withdrawn', 1],
  ['data.accessed', 4],
  ['data.exported', 1],
  ['data.shared', 1],
  ['account.created', 2],
  ['account.age_verified', 1],
  ['dsr.opened', 1],
  ['dsr.completed', 1],
  ['data.deleted', 1],
  ['api.error', 1],
  ['client.error', 1],
];
const TYPE_SLOTS = TYPES.flatMap(([type, weight]) => Array<string>(weight).fill(type));
const COUNTRIES = [
  'DE',
  'FR',
  'GB',
  'US',
  'BR',
  'CA',
  'ES',
  'IT',
  'NL',
  'PL',
  'SE',
  'AT',
  'CH',
  'BE',
  'IE',
  'PT',
  'MX',
  'JP',
  'AU',
  'IN',
];
const PURPOSES = [
  'analytics',
  'marketing',
  'personalisation',
  'third_party_sharing',
  'viewing_history_disclosure',
  'cross_border_transfer',
];
const SEGMENTS = [
  'regular',
  'binge_watcher',
  'account_sharing',
  'data_access',
  'account_takeover',
  'consent_churn',
];
const DSR_TYPES = ['access', 'erasure', 'portability', 'opt_out_of_sale'];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: config.databaseUrl });
  await client.connect();
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '256MB'`);
  return client;
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  process.stdout.write(`  ${label.padEnd(56)} ${seconds(performance.now() - started)}\n`);
  return result;
}

function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s`
    : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Events i = first..last spread over [from, from + span) with a daily and a weekly swing: the time
 * mapping stays increasing (ids and times rise together) and ends where the span ends.
 */
function eventInsert(
  first: number,
  last: number,
  total: number,
  from: Date,
  spanDays: number,
  viewers: number,
  idOffset: number,
): string {
  // Whole cycles (a day; about a week) over the span, so the first and last events fall on its ends.
  const k = spanDays;
  const weeks = Math.max(1, Math.round(spanDays / 7));
  return `
    INSERT INTO processed_events (event_id, occurred_at, received_at, processed_at, type, user_id, actor_type, actor_id, country, device_type)
    SELECT lpad(to_hex(${idOffset} + i), 32, '0')::uuid, ts, ts + interval '40 milliseconds', ts + interval '400 milliseconds',
           (${sqlArray(TYPE_SLOTS)})[(1 + (i * 7919) % ${TYPE_SLOTS.length})::int],
           'v' || ((i * 2654435761) % ${viewers}),
           CASE WHEN i % 50 = 0 THEN 'staff' ELSE 'viewer' END,
           CASE WHEN i % 50 = 0 THEN 'staff-' || (i % 40) END,
           CASE WHEN i % 97 = 0 THEN NULL ELSE (${sqlArray(COUNTRIES)})[(1 + (i * 31) % ${COUNTRIES.length})::int] END,
           (ARRAY['tv','mobile','desktop'])[(1 + i % 3)::int]
      FROM generate_series(${first}::bigint, ${last}::bigint) AS i,
           LATERAL (SELECT (i - 1)::float8 / ${total} AS u) p,
           LATERAL (SELECT '${from.toISOString()}'::timestamptz + make_interval(secs => ${spanDays * 86400} *
                      (u + 0.3 * sin(2 * pi() * ${k} * u) / (2 * pi() * ${k}) + 0.2 * sin(2 * pi() * ${weeks} * u) / (2 * pi() * ${weeks}))) AS ts) t`;
}

async function load(): Promise<void> {
  const events = Number(argValue('events', '10000000'));
  const previousEvents = Number(argValue('previous-events', '1000000'));
  const viewers = Number(argValue('viewers', '200000'));
  const { from, to, previousFrom } = window();
  const db = await connect();
  const chunk = 1_000_000;
  process.stdout.write(
    `loading: ${events.toLocaleString('en-US')} events in [${from.toISOString()}, ${to.toISOString()}), ${previousEvents.toLocaleString('en-US')} in the 30 days before\n`,
  );
  try {
    await timed(`processed_events (${(events + previousEvents).toLocaleString('en-US')})`, async () => {
      for (let first = 1; first <= previousEvents; first += chunk) {
        await db.query(
          eventInsert(
            first,
            Math.min(previousEvents, first + chunk - 1),
            previousEvents,
            previousFrom,
            30,
            viewers,
            0,
          ),
        );
      }
      for (let first = 1; first <= events; first += chunk) {
        await db.query(
          eventInsert(first, Math.min(events, first + chunk - 1), events, from, 30, viewers, previousEvents),
        );
        process.stdout.write(`    ${Math.min(events, first + chunk - 1).toLocaleString('en-US')} events\n`);
      }
    });

    // Rules: the seeded rule set (the app seeds it at start), plus the ML and security "rules".
    await db.query(`CREATE TEMP TABLE bench_rules AS
      SELECT row_number() OVER (ORDER BY rule_id) - 1 AS n, rule_id, framework, severity, 'compliance' AS kind FROM compliance_rules WHERE is_current`);
    const [{ count: seeded }] = (await db.query(`SELECT count(*)::int AS count FROM bench_rules`)).rows;
    if (seeded === 0) {
      await db.query(
        `INSERT INTO bench_rules VALUES (0, 'GDPR-01', 'GDPR', 'high', 'compliance'), (1, 'CCPA-01', 'CCPA/CPRA', 'medium', 'compliance'), (2, 'COPPA-01', 'COPPA', 'critical', 'compliance')`,
      );
    }
    await db.query(
      `INSERT INTO bench_rules SELECT (SELECT count(*) FROM bench_rules), 'ML-ANOMALY', 'ML', 'high', 'ml'`,
    );
    await db.query(
      `INSERT INTO bench_rules SELECT (SELECT count(*) FROM bench_rules), 'SQLI-001', 'SECURITY', 'critical', 'security'`,
    );
    const [{ rules }] = (await db.query(`SELECT count(*)::int AS rules FROM bench_rules`)).rows;

    const violations = Number(argValue('violations', '170000'));
    await timed(`violations (${violations.toLocaleString('en-US')}, 60 days)`, () =>
      db.query(`
        INSERT INTO violations (dedup_key, group_key, kind, rule_id, rule_version, framework, severity, base_severity, user_id, status,
                                first_seen, last_seen, occurrence_count, resolved_at, acknowledged_at, created_at, updated_at)
        SELECT 'bench-v-' || i, 'bench-v-' || i, r.kind, r.rule_id, '1', r.framework, sev, sev, 'v' || ((i * 48271) % ${viewers}),
               CASE WHEN resolved IS NOT NULL THEN (CASE WHEN i % 10 = 6 THEN 'false_positive' ELSE 'resolved' END)
                    WHEN i % 10 = 7 THEN 'acknowledged' ELSE 'open' END,
               seen, seen + interval '2 hours', 1 + i % 7, resolved, CASE WHEN i % 10 = 7 THEN seen + interval '1 hour' END, seen, coalesce(resolved, seen)
          FROM generate_series(1::bigint, ${violations}::bigint) AS i
          JOIN bench_rules r ON r.n = (i * 7) % ${rules},
          LATERAL (SELECT '${previousFrom.toISOString()}'::timestamptz + make_interval(secs => 60 * 86400 * (i - 1)::float8 / ${violations}) AS seen) s,
          LATERAL (SELECT CASE WHEN i % 23 = 0 THEN 'critical' ELSE r.severity END AS sev) v,
          LATERAL (SELECT CASE WHEN i % 10 < 7 AND seen + make_interval(hours => (1 + (i * 13) % 120)::int) < now()
                               THEN seen + make_interval(hours => (1 + (i * 13) % 120)::int) END AS resolved) z`),
    );
    const findings = Number(argValue('findings', '500000'));
    await timed(`findings (${findings.toLocaleString('en-US')})`, () =>
      db.query(`
        INSERT INTO findings (dedup_key, kind, user_id, rule_id, rule_version, framework, severity, explanation, occurred_at, created_at, violation_id)
        SELECT 'bench-f-' || i, r.kind, 'v' || ((i * 16807) % ${viewers}), r.rule_id, '1', r.framework, r.severity, 'bench', ts, ts + interval '1 second',
               (SELECT id FROM violations ORDER BY first_seen LIMIT 1)
          FROM generate_series(1::bigint, ${findings}::bigint) AS i
          JOIN bench_rules r ON r.n = (i * 11) % ${rules},
          LATERAL (SELECT '${from.toISOString()}'::timestamptz + make_interval(secs => 30 * 86400 * (i - 1)::float8 / ${findings}) AS ts) t`),
    );
    const consents = Number(argValue('consents', '400000'));
    await timed(`consents (${consents.toLocaleString('en-US')})`, () =>
      db.query(`
        INSERT INTO consents (event_id, user_id, purpose, state, basis, occurred_at, recorded_at)
        SELECT gen_random_uuid(), 'v' || ((i * 69621) % ${viewers}), (${sqlArray(PURPOSES)})[(1 + (i * 5) % ${PURPOSES.length})::int],
               CASE WHEN i % 4 = 0 THEN 'withdrawn' ELSE 'granted' END, 'consent', ts, ts + interval '1 second'
          FROM generate_series(1::bigint, ${consents}::bigint) AS i,
          LATERAL (SELECT '${from.toISOString()}'::timestamptz + make_interval(secs => 30 * 86400 * (i - 1)::float8 / ${consents}) AS ts) t`),
    );
    await timed('data-subject requests (3,000)', () =>
      db.query(`
        INSERT INTO dsar_requests (request_id, user_id, type, jurisdiction, calendar, opened_at, due_at, completed_at, refused_at, status, opened_event_id)
        SELECT 'bench-d-' || i, 'v' || ((i * 131) % ${viewers}), (${sqlArray(DSR_TYPES)})[(1 + i % 4)::int], 'EU', 'calendar', opened, opened + interval '30 days',
               CASE WHEN i % 20 <> 0 AND answered < now() THEN answered END,
               CASE WHEN i % 20 = 0 AND answered < now() THEN answered END,
               CASE WHEN answered >= now() THEN 'open' WHEN i % 20 = 0 THEN 'refused' ELSE 'completed' END, gen_random_uuid()
          FROM generate_series(1, 3000) AS i,
          LATERAL (SELECT '${previousFrom.toISOString()}'::timestamptz + make_interval(secs => 60 * 86400 * (i - 1)::float8 / 3000) AS opened) o,
          LATERAL (SELECT opened + make_interval(days => 1 + (i * 7) % 36) AS answered) a`),
    );
    await timed(`viewer risk (${viewers.toLocaleString('en-US')}), segments, snapshots, model`, async () => {
      await db.query(`INSERT INTO ml_models (version, algorithm, parameters, sample_size, artifact, created_by, active, activated_at, metrics)
                      VALUES (1, 'ensemble', '{}', 50000, '{}', 'bench', true, now(), '{"rocAuc": 0.91}')`);
      await db.query(`
        INSERT INTO user_risk (user_id, score, model_version, detector, factors, contributions, scored_at)
        SELECT 'v' || i, score, 1, 'ensemble', jsonb_build_object('asOfMs', extract(epoch FROM as_of) * 1000),
               jsonb_build_array(jsonb_build_object('factor', 'authFailures', 'contribution', score * 0.5, 'share', 0.5),
                                 jsonb_build_object('factor', 'geoMovement', 'contribution', score * 0.3, 'share', 0.3),
                                 jsonb_build_object('factor', 'consentChurn', 'contribution', score * 0.2, 'share', 0.2)),
               as_of + interval '1 second'
          FROM generate_series(0::bigint, ${viewers - 1}::bigint) AS i,
          LATERAL (SELECT power(((i * 2654435761) % 1000003)::float8 / 1000003, 4) AS score) s,
          LATERAL (SELECT '${from.toISOString()}'::timestamptz + make_interval(secs => 30 * 86400 * ((i * 40503) % 100000)::float8 / 100000) AS as_of) a`);
      await db.query(`
        INSERT INTO user_segments (user_id, risk_tier, behaviour_segment)
        SELECT user_id, CASE WHEN score >= 0.95 THEN 'critical' WHEN score >= 0.8 THEN 'high' WHEN score >= 0.5 THEN 'medium' ELSE 'low' END,
               (${sqlArray(SEGMENTS)})[(1 + abs(hashtext(user_id)) % ${SEGMENTS.length})::int]
          FROM user_risk`);
      // 20,000 active viewers with a snapshot a day: their daily risk history.
      await db.query(`
        INSERT INTO user_risk_snapshots (user_id, taken_at, factors, score, model_version)
        SELECT 'v' || v, '${from.toISOString()}'::timestamptz + make_interval(days => d, mins => 15 * ((v * 7 + d) % 96)), '{0,0,0,0,0,0}',
               power(((v * 31 + d * 17) % 1009)::float8 / 1009, 3), 1
          FROM generate_series(0, 19999) AS v, generate_series(0, 29) AS d`);
    });
    await timed('stage latency per minute (60 days × 5 stages), batches', async () => {
      await db.query(`
        INSERT INTO rollup_stage_latency_minutely (minute, stage, batches, events, total_ms, max_ms)
        SELECT m, s.stage, b, e, b * s.mean * (0.7 + ((extract(epoch FROM m)::bigint / 60 * 17 + s.k) % 61)::float8 / 100),
               s.mean * (1.5 + ((extract(epoch FROM m)::bigint / 60 * 7 + s.k) % 97)::float8 / 20)
          FROM generate_series('${previousFrom.toISOString()}'::timestamptz, '${to.toISOString()}'::timestamptz - interval '1 minute', interval '1 minute') AS m,
               (VALUES ('reception', 8.0, 1), ('compliance', 42.0, 2), ('ml', 26.0, 3), ('violation', 12.0, 4), ('alerting', 5.0, 5)) AS s(stage, mean, k),
               LATERAL (SELECT 150 + (extract(epoch FROM m)::bigint / 60 * 13) % 170 AS e) ev,
               LATERAL (SELECT 1 + e / 400 AS b) bt`);
      await db.query(`
        INSERT INTO pipeline_batches (batch_id, created_at, event_count, stage, status, completed_at)
        SELECT gen_random_uuid(), c, 500, CASE WHEN i % 500 = 0 THEN 'compliance' ELSE 'done' END,
               CASE WHEN i % 500 = 0 THEN 'dead' ELSE 'done' END,
               CASE WHEN i % 500 = 0 THEN NULL ELSE c + make_interval(secs => 0.08 + ((i * 7919) % 1000)::float8 / 1000 * (1 + (i % 7) * 0.3)) END
          FROM generate_series(1, 20000) AS i,
          LATERAL (SELECT '${from.toISOString()}'::timestamptz + make_interval(secs => 30 * 86400 * (i - 1)::float8 / 20000) AS c) t`);
    });
    // A table that has lived for 30 days has been vacuumed: visibility map set, BRIN ranges summarised.
    await timed('VACUUM (ANALYZE)', () => db.query('VACUUM (ANALYZE)'));
    const [size] = (await db.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`))
      .rows;
    process.stdout.write(`  database size ${size.size}\n`);
  } finally {
    await db.end();
  }
}

/** New events arriving after the rebuild: one incremental fold picks them up. */
async function foldSample(): Promise<void> {
  const events = Number(argValue('events', '100000'));
  const db = await connect();
  try {
    await db.query(`
      INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, country)
      SELECT gen_random_uuid(), now() - make_interval(secs => i % 3600), now(), (${sqlArray(TYPE_SLOTS)})[(1 + (i * 7919) % ${TYPE_SLOTS.length})::int],
             'v' || (i % 1000), 'viewer', (${sqlArray(COUNTRIES)})[(1 + i % ${COUNTRIES.length})::int]
        FROM generate_series(1::bigint, ${events}::bigint) AS i`);
    process.stdout.write(`  inserted ${events.toLocaleString('en-US')} new processed events\n`);
  } finally {
    await db.end();
  }
}

async function api(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; ms: number; json: unknown }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status >= 400) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return {
    status: res.status,
    ms,
    json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
  };
}

async function measure(): Promise<void> {
  const baseUrl = argValue('url', `http://127.0.0.1:${config.port}`);
  const coldRuns = Number(argValue('cold', '15'));
  const warmRuns = Number(argValue('warm', '200'));
  const { from, to } = window();
  const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const token = await adminToken(baseUrl);

  const endpoints: [string, string][] = [
    ['events hour × type', `/analytics/events?${range}&bucket=hour&groupBy=type`],
    ['events day × country', `/analytics/events?${range}&bucket=day&groupBy=country`],
    ['violations/trends', `/analytics/violations/trends?${range}`],
    ['compliance/posture', `/analytics/compliance/posture?${range}`],
    ['viewers/top-risk', `/analytics/viewers/top-risk?limit=50`],
    ['viewers/:id/risk-history (audited)', `/analytics/viewers/v17/risk-history?${range}`],
    ['ml', `/analytics/ml?${range}`],
    ['pipeline/performance', `/analytics/pipeline/performance?${range}`],
  ];
  const clear = () => api(baseUrl, token, 'DELETE', '/admin/cache?pattern=analytics:*');
  process.stdout.write(
    `\nendpoints, 30-day window [${from.toISOString().slice(0, 10)}, ${to.toISOString().slice(0, 10)}); cold = analytics cache cleared before each request (${coldRuns}×), warm = ${warmRuns} requests\n`,
  );
  const header = `  ${'endpoint'.padEnd(38)} ${'first'.padStart(8)} ${'cold p50'.padStart(9)} ${'cold p95'.padStart(9)} ${'warm p50'.padStart(9)} ${'warm p95'.padStart(9)}`;
  process.stdout.write(`${header}\n  ${'-'.repeat(header.length - 2)}\n`);
  for (const [name, path] of endpoints) {
    await clear();
    const first = (await api(baseUrl, token, 'GET', path)).ms;
    const cold: number[] = [];
    for (let i = 0; i < coldRuns; i++) {
      await clear();
      cold.push((await api(baseUrl, token, 'GET', path)).ms);
    }
    await api(baseUrl, token, 'GET', path);
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push((await api(baseUrl, token, 'GET', path)).ms);
    const c = summarise(cold);
    const w = summarise(warm);
    process.stdout.write(
      `  ${name.padEnd(38)} ${ms(first)} ${ms(c.p50, 9)} ${ms(c.p95, 9)} ${ms(w.p50, 9)} ${ms(w.p95, 9)}\n`,
    );
  }

  process.stdout.write(`\n30-day reports through the API (POST /reports → reports queue → done):\n`);
  for (const type of ['executive', 'compliance', 'performance']) {
    const started = performance.now();
    const created = (
      await api(baseUrl, token, 'POST', '/reports', {
        type,
        format: 'pdf',
        from: from.toISOString(),
        to: to.toISOString(),
      })
    ).json as { id: string };
    let status = 'queued';
    let size = 0;
    while (status === 'queued' || status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const report = (await api(baseUrl, token, 'GET', `/reports/${created.id}`)).json as {
        status: string;
        sizeBytes: number;
        error: string | null;
      };
      status = report.status;
      size = report.sizeBytes;
      if (status === 'failed') throw new Error(`${type} report failed: ${report.error}`);
    }
    process.stdout.write(
      `  ${`${type} pdf`.padEnd(38)} ${seconds(performance.now() - started).padStart(8)}   ${(size / 1024).toFixed(0)} KiB\n`,
    );
  }

  process.stdout.write(`\n30-day report generation in process (read rollups + render), each format:\n`);
  const db = new Client({ connectionString: config.databaseUrl });
  await db.connect();
  try {
    const builder = new ReportBuilder(new RollupQueries(sqlOf(db, { serial: true })));
    for (const type of ['executive', 'compliance', 'performance'] as const) {
      const started = performance.now();
      const report = await builder.build(type, { from, to });
      const built = performance.now() - started;
      const sizes: string[] = [];
      for (const format of ['json', 'csv', 'pdf'] as const) {
        const renderStart = performance.now();
        const { content } = await renderReport(report, format);
        sizes.push(
          `${format} ${(performance.now() - renderStart).toFixed(0)} ms/${(content.length / 1024).toFixed(0)} KiB`,
        );
      }
      process.stdout.write(`  ${type.padEnd(12)} read ${built.toFixed(0)} ms; render ${sizes.join(', ')}\n`);
    }
  } finally {
    await db.end();
  }
}

/**
 * Logs in as the bootstrap admin. Login throttling counts per client IP in Redis, which every app on a
 * shared machine uses: when another process has tripped the block, wait it out (Retry-After).
 */
async function adminToken(baseUrl: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: config.admin.email, password: config.admin.password }),
    });
    if (login.ok) return ((await login.json()) as { accessToken: string }).accessToken;
    if (login.status !== 429 || attempt > 10)
      throw new Error(`cannot log in: ${login.status} ${await login.text()}`);
    const wait = Number(login.headers.get('retry-after') ?? '30');
    process.stdout.write(`  login throttled (shared Redis); retrying in ${wait} s\n`);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

function ms(value: number, width = 8): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`.padStart(width);
}

const phase = process.argv[2];
const run =
  phase === 'load' ? load : phase === 'fold' ? foldSample : phase === 'measure' ? measure : undefined;
if (!run) {
  process.stderr.write('usage: analytics.bench.js load|fold|measure [options]\n');
  process.exit(2);
}
run().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
