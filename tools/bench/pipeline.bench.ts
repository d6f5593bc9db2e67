/**
 * Drives a running stack (see scripts/bench-pipeline.sh, which starts one) and prints:
 * sustained events/s through all five stages, end-to-end latency (accepted → last stage done),
 * acceptance → signed webhook received (one attack event per request, each its own violation and
 * alert, to a local receiver), ingest latency, per-stage time, queue lag and, given --pids, each
 * process's peak RSS. The stack must allow-list 127.0.0.1 for webhooks (WEBHOOK_ALLOWLIST).
 *
 *   node dist/tools/bench/pipeline.bench.js --url http://127.0.0.1:3000 --seconds 20 --pids api:123,worker:456
 */
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { PIPELINE_STAGES } from '../../src/pipeline/pipeline.constants';
import { redisOptionsFromUrl } from '../../src/database/redis-connection';
import { adminSession, argValue, attackEvent, benchEvent, peakRssMiB, summarise } from './bench-support';
import { AlertReceiver, startAlertReceiver } from './webhook-receiver';

const config = loadConfig();
const baseUrl = argValue('url', `http://127.0.0.1:${config.port}`);
const seconds = Number(argValue('seconds', '20'));
const batchSize = Number(argValue('batch-size', '500'));
/** `--alerts off` sends no attack events: the pipeline figures without violation and alert work. */
const withAlerts = argValue('alerts', 'on') !== 'off';
const pids = argValue('pids', '')
  .split(',')
  .filter(Boolean)
  .map((entry) => entry.split(':'))
  .map(([name, pid]) => ({ name, pid: Number(pid) }));

let counter = 0;

/** Attack events sent, by event id → when their request was accepted (202 received). */
const attackAcceptedAt = new Map<string, { phase: string; at: number }>();

async function post(path: string, key: string, body: unknown): Promise<{ ms: number; accepted: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 202) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, accepted: (JSON.parse(text) as { accepted: string[] }).accepted.length };
}

interface Phase {
  name: string;
  acceptedEvents: number;
  sendSeconds: number;
  ingestMs: number[];
  startedAt: Date;
  endedAt: Date;
}

/** Sends for `seconds` with `concurrency` loops; `eventsPerSecond` caps the rate when given. */
async function drive(
  name: string,
  key: string,
  mode: 'batch' | 'single',
  concurrency: number,
  eventsPerSecond?: number,
): Promise<Phase> {
  const startedAt = new Date();
  const deadline = Date.now() + seconds * 1000;
  const ingestMs: number[] = [];
  let accepted = 0;
  const perRequest = mode === 'batch' ? batchSize : 1;
  const interval = eventsPerSecond ? (1000 * perRequest * concurrency) / eventsPerSecond : 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      let next = Date.now() + (interval * loop) / concurrency;
      while (Date.now() < deadline) {
        if (interval > 0) {
          const wait = next - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          next += interval;
        }
        // One attack per request in batch mode, one per `batchSize` requests in single mode: each is a
        // new viewer, so it opens its own violation and raises its own alert.
        const attack = withAlerts && (mode === 'batch' || counter % batchSize === 0) ? attackEvent() : null;
        const body =
          mode === 'batch'
            ? {
                events: [
                  ...Array.from({ length: attack ? batchSize - 1 : batchSize }, () => benchEvent(counter++)),
                  ...(attack ? [attack] : []),
                ],
              }
            : (attack ?? benchEvent(counter));
        if (mode === 'single') counter++;
        const result = await post(mode === 'batch' ? '/events/batch' : '/events', key, body);
        if (attack) attackAcceptedAt.set(attack.eventId as string, { phase: name, at: Date.now() });
        ingestMs.push(result.ms);
        accepted += result.accepted;
      }
    }),
  );
  const endedAt = new Date();
  return {
    name,
    acceptedEvents: accepted,
    sendSeconds: (endedAt.getTime() - startedAt.getTime()) / 1000,
    ingestMs,
    startedAt,
    endedAt,
  };
}

async function waitForDrain(db: Client, since: Date, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS open FROM pipeline_batches WHERE created_at >= $1 AND status IN ('open', 'queued')`,
      [since],
    );
    if (rows[0].open === 0) return;
    if (Date.now() > deadline)
      throw new Error(`pipeline did not drain within ${timeoutMs / 1000} s (${rows[0].open} batches open)`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function endToEnd(db: Client, phase: Phase) {
  const { rows } = await db.query(
    `SELECT extract(epoch FROM (completed_at - created_at)) * 1000 AS ms, event_count, completed_at
       FROM pipeline_batches WHERE created_at >= $1 AND created_at <= $2 AND status = 'done'`,
    [phase.startedAt, phase.endedAt],
  );
  // Every event of a batch shares its batch's latency: weight by event count.
  const latencies: number[] = [];
  let lastDone = phase.startedAt.getTime();
  let events = 0;
  for (const row of rows) {
    for (let i = 0; i < Number(row.event_count); i += Math.max(1, Math.floor(Number(row.event_count) / 10)))
      latencies.push(Number(row.ms));
    lastDone = Math.max(lastDone, new Date(row.completed_at).getTime());
    events += Number(row.event_count);
  }
  const through = (lastDone - phase.startedAt.getTime()) / 1000;
  return { e2e: summarise(latencies), sustained: events / through, events };
}

/** Waits (after the drain, the last deliveries may still be in flight) until every attack of the phase was alerted, or 30 s. */
async function webhookLatency(receiver: AlertReceiver, phase: Phase) {
  const sent = [...attackAcceptedAt].filter(([, a]) => a.phase === phase.name);
  const deadline = Date.now() + 30_000;
  while (sent.some(([id]) => !receiver.arrivals.has(id)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const latencies = sent
    .filter(([id]) => receiver.arrivals.has(id))
    .map(([id, a]) => receiver.arrivals.get(id)! - a.at);
  return { ...summarise(latencies), sent: sent.length };
}

async function stageTimes(db: Client, since: Date) {
  const { rows } = await db.query(
    `SELECT stage, sum(batches)::int AS batches, sum(events)::int AS events, sum(total_ms) AS ms, max(max_ms) AS max_ms
       FROM rollup_stage_latency_minutely WHERE minute >= date_trunc('minute', $1::timestamptz) GROUP BY stage`,
    [since],
  );
  return PIPELINE_STAGES.map((stage) => {
    const row = rows.find((r) => r.stage === stage);
    if (!row) return { stage, batches: 0, msPerBatch: NaN, eventsPerSecondOfStageTime: NaN };
    return {
      stage,
      batches: row.batches,
      msPerBatch: Number(row.ms) / row.batches,
      eventsPerSecondOfStageTime: (row.events / Number(row.ms)) * 1000,
    };
  });
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';
}

async function main(): Promise<void> {
  const { client, token, key } = await adminSession(baseUrl);
  const receiver = await startAlertReceiver();
  const channel = await client.authorized<{ channel: { id: string }; secret: string }>(
    'POST',
    '/alerts/channels',
    token,
    {
      name: `bench receiver ${Date.now()}`,
      type: 'webhook',
      target: receiver.url,
    },
  );
  receiver.useSecret(channel.secret);
  await client.authorized('POST', '/alerts/routes', token, {
    name: `bench security alerts ${Date.now()}`,
    minSeverity: 'low',
    frameworks: ['SECURITY'],
    channelIds: [channel.channel.id],
  });
  const db = new Client({ connectionString: config.databaseUrl });
  await db.connect();
  const queues = PIPELINE_STAGES.map(
    (stage) =>
      new Queue(stage, { connection: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix }),
  );
  let maxLag = 0;
  const lagTimer = setInterval(async () => {
    const counts = await Promise.all(
      queues.map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized')),
    );
    const lag = counts.reduce((sum, c) => sum + c.wait + c.active + c.delayed + (c.prioritized ?? 0), 0);
    maxLag = Math.max(maxLag, lag);
  }, 250);

  console.log(`pipeline benchmark against ${baseUrl}: ${seconds} s per phase, batches of ${batchSize}`);
  /** Drives one phase, waits for the pipeline to drain, and measures it. */
  const runPhase = async (
    name: string,
    mode: 'batch' | 'single',
    concurrency: number,
    eventsPerSecond?: number,
  ) => {
    maxLag = 0;
    const phase = await drive(name, key, mode, concurrency, eventsPerSecond);
    await waitForDrain(db, phase.startedAt);
    const e2e = await endToEnd(db, phase);
    const hooks = await webhookLatency(receiver, phase);
    return { phase, e2e, hooks, lag: maxLag };
  };
  const batch = await runPhase('batches (max rate)', 'batch', 4);
  const single = await runPhase('single events (max rate)', 'single', 32);
  const singleHalfRate = Math.max(10, Math.round(single.e2e.sustained / 2));
  const singleHalf = await runPhase(
    `single events at half their maximum (${fmt(singleHalfRate)} ev/s)`,
    'single',
    32,
    singleHalfRate,
  );
  const halfRate = Math.max(100, Math.round(batch.e2e.sustained / 2));
  const half = await runPhase(
    `batches at half the sustained maximum (${fmt(halfRate)} ev/s)`,
    'batch',
    2,
    halfRate,
  );
  clearInterval(lagTimer);

  const stages = await stageTimes(db, batch.phase.startedAt);
  console.log('');
  console.log(
    '| phase | accepted ev/s | sustained ev/s end to end | e2e p50 / p95 / p99 ms | acceptance → verified webhook p50 / p95 / p99 ms (alerts received/sent) | ingest p50 / p99 ms | max queue lag (jobs) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { phase, e2e, lag, hooks } of [batch, single, singleHalf, half]) {
    const ingest = summarise(phase.ingestMs);
    console.log(
      `| ${phase.name} | ${fmt(phase.acceptedEvents / phase.sendSeconds)} | ${fmt(e2e.sustained)} | ${fmt(e2e.e2e.p50)} / ${fmt(e2e.e2e.p95)} / ${fmt(e2e.e2e.p99)} | ${fmt(hooks.p50)} / ${fmt(hooks.p95)} / ${fmt(hooks.p99)} (${hooks.n}/${hooks.sent}) | ${fmt(ingest.p50, 1)} / ${fmt(ingest.p99, 1)} | ${lag} |`,
    );
  }
  console.log('');
  console.log('| stage | batches | ms per batch | events/s of stage time |');
  console.log('| --- | --- | --- | --- |');
  for (const s of stages)
    console.log(
      `| ${s.stage} | ${s.batches} | ${fmt(s.msPerBatch, 1)} | ${fmt(s.eventsPerSecondOfStageTime)} |`,
    );
  if (receiver.unverified > 0)
    console.log(`webhooks that failed signature verification: ${receiver.unverified}`);
  if (pids.length > 0) {
    console.log('');
    console.log(
      `peak RSS: ${pids.map(({ name, pid }) => `${name} ${peakRssMiB(pid) ?? '?'} MiB`).join(', ')}`,
    );
  }
  await Promise.all(queues.map((q) => q.close()));
  await db.end();
  await receiver.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
