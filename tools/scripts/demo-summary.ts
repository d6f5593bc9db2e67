/**
 * The demo's printed summary: what the pipeline did with a simulator run, read back from
 * PostgreSQL, and — given the simulator's ground truth — how well the findings match it.
 *
 *   node dist/tools/scripts/demo-summary.js --since 2026-11-27T10:00:00Z [--truth var/truth.json] [--sink-log var/demo-alerts.jsonl]
 *
 * --sink-log is the demo alert sink's delivery log (tools/scripts/demo-alert-sink.ts): what a receiver got.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { PIPELINE_STAGES } from '../../src/pipeline/pipeline.constants';
import { executiveHeadline } from '../../src/reporting/executive-headline';

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

export async function printSummary(db: Client, since: Date, truthFile?: string, sinkLog?: string): Promise<void> {
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
    out.push('', ...(await alertsReport(db, since, sinkLog)));
  }

  if (truthFile && existsSync(truthFile)) out.push('', ...(await detectionReport(db, since, JSON.parse(readFileSync(truthFile, 'utf8')))));
  // The executive summary's headline, from the rollups (folded just before by up.sh).
  out.push('', '== Executive summary (headline)', ...(await executiveHeadline(db, since, new Date())).map((line) => `  ${line}`));
  console.log(out.join('\n'));
}

/**
 * Alerts raised and what happened to their deliveries (per channel type: alerts delivered, retried,
 * dead), and — given the demo sink's log — what the receiver got and whether each signature verified.
 */
async function alertsReport(db: Client, since: Date, sinkLog?: string): Promise<string[]> {
  const out = ['== Alerts and deliveries'];
  const { rows: reasons } = await db.query(
    `SELECT reason, count(*)::int AS n, sum(suppressed_count)::int AS suppressed FROM alerts WHERE created_at >= $1 GROUP BY 1 ORDER BY 2 DESC`,
    [since],
  );
  const raised = reasons.reduce((sum, r) => sum + r.n, 0);
  out.push(
    `  alerts raised ${fmt(raised)}${reasons.length ? ` (${reasons.map((r) => `${r.reason} ${fmt(r.n)}`).join(', ')})` : ''}; repeats suppressed into them ${fmt(reasons.reduce((sum, r) => sum + r.suppressed, 0))}`,
  );
  const { rows: deliveries } = await db.query(
    `WITH last AS (
       SELECT DISTINCT ON (d.alert_id, d.channel_id) d.alert_id, d.channel_id, d.status, d.attempt, d.latency_ms
         FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
        WHERE a.created_at >= $1 ORDER BY d.alert_id, d.channel_id, d.attempt DESC)
     SELECT c.type, count(*) FILTER (WHERE l.status = 'delivered')::int AS delivered,
            count(*) FILTER (WHERE l.status = 'delivered' AND l.attempt > 1)::int AS after_retry,
            count(*) FILTER (WHERE l.status = 'failed')::int AS retrying, count(*) FILTER (WHERE l.status = 'dead')::int AS dead,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY l.latency_ms) FILTER (WHERE l.status = 'delivered') AS p50
       FROM last l JOIN alert_channels c ON c.id = l.channel_id GROUP BY 1 ORDER BY 1`,
    [since],
  );
  out.push(
    deliveries.length
      ? table(
          ['channel', 'delivered', 'after retry', 'retrying', 'dead', 'p50 send ms'],
          deliveries.map((d) => [d.type, fmt(d.delivered), fmt(d.after_retry), fmt(d.retrying), fmt(d.dead), fmt(Number(d.p50))]),
        )
      : '  no deliveries (no channel routed)',
  );
  if (sinkLog && existsSync(sinkLog)) {
    const got = readFileSync(sinkLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { at: string; verified: boolean; webhookId: string | null; severity: string | null; framework: string | null })
      .filter((d) => new Date(d.at) >= since);
    const verified = got.filter((d) => d.verified);
    const distinct = new Set(verified.map((d) => d.webhookId)).size;
    const by = new Map<string, number>();
    for (const d of verified) by.set(`${d.framework ?? '-'} ${d.severity ?? '-'}`, (by.get(`${d.framework ?? '-'} ${d.severity ?? '-'}`) ?? 0) + 1);
    out.push(
      `  demo sink received ${fmt(got.length)} webhooks, ${fmt(verified.length)} with a valid Standard Webhooks signature (${fmt(distinct)} distinct webhook-ids)`,
      ...[...by].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, n]) => `    ${k.padEnd(22)} ${fmt(n)}`),
    );
  }
  return out;
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
  // The anomaly findings on their own, per scorer: 'statistical' is the cold start (no model trained yet).
  const { rows: ml } = await db.query(
    `SELECT rule_version, count(DISTINCT user_id)::int AS viewers, array_agg(DISTINCT user_id) AS users,
            count(*) FILTER (WHERE severity = 'medium')::int AS medium, count(*) FILTER (WHERE severity = 'high')::int AS high,
            count(*) FILTER (WHERE severity = 'critical')::int AS critical
       FROM findings WHERE kind = 'ml' AND created_at >= $1 GROUP BY 1 ORDER BY 1`,
    [since],
  );
  const mlLines = ml.map((m) => {
    const scorer = m.rule_version === 'statistical' ? 'cold start (statistical, no model)' : `model v${m.rule_version}`;
    const correct = (m.users as string[]).filter((id) => labelled.has(id)).length;
    const wrong = (m.users as string[]).filter((id) => clean.has(id)).length;
    return `  anomaly findings, ${scorer}: ${fmt(m.viewers)} viewers, precision ${pct(correct / m.viewers)}, clean viewers flagged ${fmt(wrong)} (${pct(wrong / Math.max(1, clean.size))}); findings medium ${fmt(m.medium)}, high ${fmt(m.high)}, critical ${fmt(m.critical)}`;
  });
  return [
    "== Detection against the simulator's ground truth (per scenario: its rules, or the anomaly model)",
    table(['scenario', 'labelled', 'expected rules', 'recall', 'precision'], rowsOut),
    `  clean viewers ${fmt(clean.size)}: with a compliance finding ${fmt(falseAlarms.size)}, with an anomaly finding ${fmt(mlFalseAlarms.size)}`,
    ...mlLines,
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
    .then(() => printSummary(db, since, arg('truth'), arg('sink-log')))
    .then(() => db.end())
    .catch((error: Error) => {
      console.error(`cannot build the summary: ${error.message}`);
      process.exit(1);
    });
}
