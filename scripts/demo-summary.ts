/**
 * The demo's printed summary: what the pipeline did with a simulator run, read back from
 * PostgreSQL, and — given the simulator's ground truth — how well the findings match it.
 *
 *   node dist/scripts/demo-summary.js --since 2026-11-27T10:00:00Z [--truth var/truth.json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfig } from '../src/config/app-config';
import { PIPELINE_STAGES } from '../src/pipeline/pipeline.constants';
import { executiveHeadline } from '../src/reporting/executive-headline';

interface ScenarioTruth {
  viewers: string[];
  actors: string[];
  rules: string[];
}
interface GroundTruth {
  scenarios: Record<string, ScenarioTruth>;
  cleanViewers: string[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '-');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : '-');

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r: string[]) => `  ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('   ')}`;
  return [line(headers), `  ${widths.map((w) => '-'.repeat(w)).join('   ')}`, ...cells.slice(1).map(line)].join('\n');
}

async function tableExists(db: Client, name: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [name]);
  return rows[0].ok;
}

export async function printSummary(db: Client, since: Date, truthFile?: string): Promise<void> {
  const out: string[] = [];
  // One client, so one query at a time.
  const { rows: accepted } = await db.query(`SELECT count(*)::int AS n FROM event_receipts WHERE received_at >= $1`, [since]);
  const { rows: processed } = await db.query(`SELECT count(*)::int AS n FROM processed_events WHERE received_at >= $1`, [since]);
  const { rows: batches } = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'done')::int AS done, count(*) FILTER (WHERE status IN ('open', 'queued'))::int AS open,
              count(*) FILTER (WHERE status = 'dead')::int AS dead,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'done') * 1000 AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'done') * 1000 AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'done') * 1000 AS p99
         FROM pipeline_batches WHERE created_at >= $1`,
    [since],
  );
  const b = batches[0];
  out.push('== Pipeline');
  out.push(`  events accepted ${fmt(accepted[0].n)}, processed by reception ${fmt(processed[0].n)}`);
  out.push(`  batches done ${fmt(b.done)}, still in flight ${fmt(b.open)}, dead-lettered ${fmt(b.dead)}`);
  out.push(`  end-to-end latency (accepted → last stage done) p50 ${fmt(b.p50)} ms, p95 ${fmt(b.p95)} ms, p99 ${fmt(b.p99)} ms`);

  const { rows: stages } = await db.query(
    `SELECT stage, sum(batches)::int AS batches, sum(events)::int AS events, sum(total_ms) AS ms, max(max_ms) AS max_ms
       FROM rollup_stage_latency_minutely WHERE minute >= date_trunc('minute', $1::timestamptz) GROUP BY stage`,
    [since],
  );
  out.push('', '== Per-stage time (per batch)');
  out.push(
    table(
      ['stage', 'batches', 'mean ms', 'max ms'],
      PIPELINE_STAGES.map((stage) => {
        const s = stages.find((r) => r.stage === stage);
        return s ? [stage, fmt(s.batches), fmt(Number(s.ms) / s.batches, 1), fmt(Number(s.max_ms), 1)] : [stage, '0', '-', '-'];
      }),
    ),
  );

  const { rows: findings } = await db.query(
    `SELECT kind, framework, severity, count(*)::int AS n FROM findings WHERE created_at >= $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [since],
  );
  out.push('', '== Findings by kind, framework and severity');
  out.push(findings.length ? table(['kind', 'framework', 'severity', 'findings'], findings.map((f) => [f.kind, f.framework, f.severity, fmt(f.n)])) : '  none');

  if (await tableExists(db, 'violations')) {
    const { rows: violations } = await db.query(
      `SELECT framework, severity, count(*)::int AS n, sum(occurrence_count)::int AS occurrences FROM violations
        WHERE created_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [since],
    );
    out.push('', '== Violations by framework and severity');
    out.push(violations.length ? table(['framework', 'severity', 'violations', 'occurrences'], violations.map((v) => [v.framework, v.severity, fmt(v.n), fmt(v.occurrences)])) : '  none');
    const { rows: alerts } = await db.query(
      `SELECT count(DISTINCT a.id)::int AS alerts, count(d.id) FILTER (WHERE d.status = 'delivered')::int AS delivered,
              count(d.id) FILTER (WHERE d.status <> 'delivered')::int AS failed
         FROM alerts a LEFT JOIN alert_deliveries d ON d.alert_id = a.id WHERE a.created_at >= $1`,
      [since],
    );
    out.push(`  alerts raised ${fmt(alerts[0].alerts)}, deliveries ok ${fmt(alerts[0].delivered)}, failed attempts ${fmt(alerts[0].failed)}`);
  }

  if (truthFile && existsSync(truthFile)) out.push('', ...(await detectionReport(db, since, JSON.parse(readFileSync(truthFile, 'utf8')))));
  // The executive summary's headline, from the rollups (folded just before by up.sh).
  out.push('', '== Executive summary (headline)', ...(await executiveHeadline(db, since, new Date())).map((line) => `  ${line}`));
  console.log(out.join('\n'));
}

/**
 * Per scenario: recall = labelled viewers (or actors) with a finding of one of the scenario's
 * expected rules; precision = of those flagged by these rules, the share labelled in any
 * misbehaving scenario. Plus the false alarms on viewers whose traffic was clean.
 */
async function detectionReport(db: Client, since: Date, truth: GroundTruth): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT f.rule_id, f.user_id, p.actor_id FROM findings f
       LEFT JOIN processed_events p ON p.event_id = f.event_id
      WHERE f.kind IN ('compliance', 'ml') AND f.created_at >= $1`,
    [since],
  );
  const labelled = new Set<string>();
  for (const s of Object.values(truth.scenarios)) [...s.viewers, ...s.actors].forEach((id) => labelled.add(id));
  const rowsOut: (string | number)[][] = [];
  for (const [name, scenario] of Object.entries(truth.scenarios)) {
    // Scenarios no rule can see (account sharing) are the anomaly model's to find.
    const expected = scenario.rules.length > 0 ? scenario.rules : ['ML-ANOMALY'];
    // A scenario about staff (insider access) is about who acted; the others about the viewer.
    const byActor = scenario.actors.length > 0;
    const flagged = new Set(
      rows.filter((r) => expected.includes(r.rule_id)).map((r) => (byActor ? r.actor_id : r.user_id)).filter(Boolean) as string[],
    );
    const targets = byActor ? scenario.actors : scenario.viewers;
    const found = targets.filter((id) => flagged.has(id)).length;
    const correct = [...flagged].filter((id) => labelled.has(id)).length;
    rowsOut.push([name, targets.length, expected.join(' '), pct(found / targets.length), pct(flagged.size ? correct / flagged.size : NaN)]);
  }
  const clean = new Set(truth.cleanViewers);
  const falseAlarms = new Set(rows.filter((r) => r.rule_id !== 'ML-ANOMALY' && clean.has(r.user_id)).map((r) => r.user_id));
  const mlFalseAlarms = new Set(rows.filter((r) => r.rule_id === 'ML-ANOMALY' && clean.has(r.user_id)).map((r) => r.user_id));
  return [
    "== Detection against the simulator's ground truth (per scenario: its rules, or the anomaly model)",
    table(['scenario', 'labelled', 'expected rules', 'recall', 'precision'], rowsOut),
    `  clean viewers ${fmt(clean.size)}: with a compliance finding ${fmt(falseAlarms.size)}, with an anomaly finding ${fmt(mlFalseAlarms.size)}`,
  ];
}

if (require.main === module) {
  const since = new Date(arg('since') ?? Date.now() - 3_600_000);
  if (Number.isNaN(since.getTime())) {
    console.error('--since must be an ISO-8601 time');
    process.exit(2);
  }
  const db = new Client({ connectionString: loadConfig().databaseUrl });
  db.connect()
    .then(() => printSummary(db, since, arg('truth')))
    .then(() => db.end())
    .catch((error: Error) => {
      console.error(`cannot build the summary: ${error.message}`);
      process.exit(1);
    });
}
