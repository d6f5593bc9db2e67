/**
 * Drives a running stack (see scripts/bench-pipeline.sh, which starts one) and prints:
 * sustained events/s through all five stages, end-to-end latency (accepted → last stage done),
 * acceptance → signed webhook received (one attack event per request, each its own violation and
 * alert, to a local receiver), ingest latency, per-stage time, queue lag and, given --pids, each
 * process's peak RSS and CPU per event (the named processes, plus the PostgreSQL backends serving the
 * stack's database). The stack must allow-list 127.0.0.1 for webhooks (WEBHOOK_ALLOWLIST).
 * The figures are written to --out as JSON; --before <json> prints an earlier run beside them.
 *
 *   node dist/tools/bench/pipeline.bench.js --url http://127.0.0.1:3000 --seconds 20 --pids api:123,worker:456,redis:789
 */
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { PIPELINE_STAGES } from '../../src/pipeline/pipeline.constants';
import { redisOptionsFromUrl } from '../../src/database/redis-connection';
import { adminSession, argValue, attackEvent, benchEvent, peakRssMiB, summarise } from './bench-support';
import { AlertReceiver, startAlertReceiver } from './webhook-receiver';
import { TrafficGenerator } from '../simulation/traffic-generator';
import { CpuGroup, cpuBetween, processesNamed, readCpu } from './process-cpu';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus } from 'node:os';

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

/**
 * `--traffic sim` (default): the simulator's stream — its mix of event types, viewers' sessions and
 * scenarios (so compliance and ML findings, violations and alerts happen as in the demo). `--traffic
 * uniform`: the older stream of playback and login events from 5,000 viewers, one event per viewer per
 * batch (the worst case for per-viewer state writes).
 */
const traffic = argValue('traffic', 'sim');
const simUsers = Number(argValue('users', '20000'));
const simulated = new TrafficGenerator({
  seed: Number(argValue('seed', '7')),
  users: simUsers,
  // Simulated time runs at this rate from the start; sending slower only makes events a little older.
  rate: 20_000,
  startMs: Date.now(),
  durationMs: 60 * 60_000,
});
let pool: Record<string, unknown>[] = [];
let poolIndex = 0;
/** Generates ahead (outside the measured phases) so that the driver spends its time sending. */
function fillPool(events: number): void {
  pool = pool.slice(poolIndex);
  poolIndex = 0;
  while (pool.length < events) {
    const next = simulated.next();
    if (!next) break;
    pool.push(next.event as unknown as Record<string, unknown>);
  }
}
function nextEvent(i: number): Record<string, unknown> {
  if (traffic === 'uniform') return benchEvent(i);
  if (poolIndex < pool.length) return pool[poolIndex++];
  return (simulated.next()?.event as unknown as Record<string, unknown>) ?? benchEvent(i);
}

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
                  ...Array.from({ length: attack ? batchSize - 1 : batchSize }, () => nextEvent(counter++)),
                  ...(attack ? [attack] : []),
                ],
              }
            : (attack ?? nextEvent(counter));
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

/** What one run measured; written to --out and read back with --before. */
interface PhaseFigures {
  name: string;
  acceptedPerSecond: number;
  sustainedPerSecond: number;
  events: number;
  e2eMs: { p50: number; p95: number; p99: number };
  webhookMs: { p50: number; p95: number; p99: number; received: number; sent: number };
  ingestMs: { p50: number; p99: number };
  maxQueueLag: number;
  /** CPU microseconds per event, by process group, from the phase's start until it drained. */
  cpuMicrosPerEvent: Record<string, number>;
}
interface BenchFigures {
  date: string;
  commit?: string;
  machine: string;
  processes: string[];
  phases: Record<string, PhaseFigures>;
  peakRssMiB: Record<string, number | null>;
}

const PG_BACKGROUND = /^postgres: \S+ ?\S*: (walwriter|checkpointer|background writer|autovacuum|logical replication launcher)/;

function cpuTotal(figures: PhaseFigures): number {
  return Object.entries(figures.cpuMicrosPerEvent)
    .filter(([name]) => name !== 'postgres background')
    .reduce((sum, [, us]) => sum + us, 0);
}

/** The issue's targets, each read off a run's figures. */
const TARGETS: { label: string; goal: string; met: (v: number) => boolean; read: (f: BenchFigures) => number; unit: string }[] = [
  { label: 'batches: sustained end to end', goal: '≥ 10,000 (stretch 20,000)', unit: 'ev/s', met: (v) => v >= 10_000, read: (f) => f.phases.batch?.sustainedPerSecond },
  { label: 'batches at half rate: e2e p99', goal: '≤ 500', unit: 'ms', met: (v) => v <= 500, read: (f) => f.phases.half?.e2eMs.p99 },
  { label: 'single events, 32 clients: sustained end to end', goal: '≥ 3,000', unit: 'ev/s', met: (v) => v >= 3_000, read: (f) => f.phases.single?.sustainedPerSecond },
  { label: 'single events at half rate: ingest p99', goal: '≤ 25', unit: 'ms', met: (v) => v <= 25, read: (f) => f.phases.singleHalf?.ingestMs.p99 },
  { label: 'single events, API process alone', goal: '≥ 5,000', unit: 'req/s', met: (v) => v >= 5_000, read: (f) => f.phases.apiAlone?.acceptedPerSecond },
  { label: 'CPU per event, all processes, at the sustained rate', goal: '≤ 150', unit: 'µs', met: (v) => v <= 150, read: (f) => (f.phases.batch ? cpuTotal(f.phases.batch) : NaN) },
  { label: 'peak RSS, largest process', goal: '≤ 300', unit: 'MiB', met: (v) => v <= 300, read: (f) => Math.max(...Object.entries(f.peakRssMiB).filter(([n]) => n !== 'redis').map(([, v]) => v ?? NaN)) },
];

function pause(signal: 'SIGSTOP' | 'SIGCONT', names: string[]): void {
  for (const { name, pid } of pids) if (names.includes(name)) process.kill(pid, signal);
}

async function main(): Promise<void> {
  const before: BenchFigures | null = argValue('before', '') ? JSON.parse(readFileSync(argValue('before', ''), 'utf8')) : null;
  const outFile = argValue('out', `var/bench-pipeline-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
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

  const cpuGroups: CpuGroup[] = [
    ...pids.map(({ name, pid }) => ({ name, list: () => [pid] })),
    {
      name: 'postgres backends',
      list: async () =>
        (
          await db.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          )
        ).rows.map((r) => Number(r.pid)),
    },
    { name: 'postgres background', list: () => processesNamed(PG_BACKGROUND) },
  ];
  const workerNames = pids.map((p) => p.name).filter((n) => n.startsWith('worker'));

  console.log(
    `pipeline benchmark against ${baseUrl}: ${seconds} s per phase, batches of ${batchSize}, traffic: ${traffic === 'sim' ? `the simulator's mix (${simUsers} viewers)` : 'uniform playback/login'}`,
  );
  console.log(`processes: ${pids.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`);
  /** Drives one phase, waits for the pipeline to drain, and measures it. */
  const runPhase = async (
    name: string,
    mode: 'batch' | 'single',
    concurrency: number,
    eventsPerSecond?: number,
    options: { pauseWorkers?: boolean } = {},
  ): Promise<PhaseFigures> => {
    maxLag = 0;
    if (traffic === 'sim') fillPool(mode === 'batch' ? 120_000 : 40_000);
    const cpuBefore = await readCpu(cpuGroups);
    if (options.pauseWorkers) pause('SIGSTOP', workerNames);
    let phase: Phase;
    try {
      phase = await drive(name, key, mode, concurrency, eventsPerSecond);
    } finally {
      if (options.pauseWorkers) pause('SIGCONT', workerNames);
    }
    await waitForDrain(db, phase.startedAt);
    const e2e = await endToEnd(db, phase);
    const hooks = await webhookLatency(receiver, phase);
    const spent = cpuBetween(cpuBefore, await readCpu(cpuGroups));
    const ingest = summarise(phase.ingestMs);
    return {
      name,
      acceptedPerSecond: phase.acceptedEvents / phase.sendSeconds,
      sustainedPerSecond: e2e.sustained,
      events: e2e.events,
      e2eMs: { p50: e2e.e2e.p50, p95: e2e.e2e.p95, p99: e2e.e2e.p99 },
      webhookMs: { p50: hooks.p50, p95: hooks.p95, p99: hooks.p99, received: hooks.n, sent: hooks.sent },
      ingestMs: { p50: ingest.p50, p99: ingest.p99 },
      maxQueueLag: maxLag,
      cpuMicrosPerEvent: Object.fromEntries(
        [...spent].map(([group, cpu]) => [group, e2e.events > 0 ? (cpu * 1e6) / e2e.events : NaN]),
      ),
    };
  };
  // --phases picks some of them (e.g. --phases single,apiAlone while profiling); the half-rate phases
  // need their maximum-rate phase.
  const wanted = new Set(argValue('phases', 'batch,single,apiAlone,singleHalf,half').split(','));
  const phases: Record<string, PhaseFigures> = {};
  if (wanted.has('batch') || wanted.has('half')) phases.batch = await runPhase('batches (max rate)', 'batch', 4);
  if (wanted.has('single') || wanted.has('singleHalf'))
    phases.single = await runPhase('single events (max rate)', 'single', 32);
  if (wanted.has('apiAlone'))
    phases.apiAlone = await runPhase('single events, API alone (workers paused, then drained)', 'single', 32, undefined, {
      pauseWorkers: true,
    });
  if (wanted.has('singleHalf')) {
    const singleHalfRate = Math.max(10, Math.round(phases.single.sustainedPerSecond / 2));
    phases.singleHalf = await runPhase(
      `single events at half their maximum (${fmt(singleHalfRate)} ev/s)`,
      'single',
      32,
      singleHalfRate,
    );
  }
  if (wanted.has('half')) {
    const halfRate = Math.max(100, Math.round(phases.batch.sustainedPerSecond / 2));
    phases.half = await runPhase(`batches at half the sustained maximum (${fmt(halfRate)} ev/s)`, 'batch', 2, halfRate);
  }
  if (wanted.has('idle')) {
    // No traffic: what the processes burn on their own per second (timers, polling, metrics).
    const cpuBefore = await readCpu(cpuGroups);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const spent = cpuBetween(cpuBefore, await readCpu(cpuGroups));
    console.log(`idle CPU, ms per second: ${[...spent].map(([g, s]) => `${g} ${fmt((s * 1000) / seconds, 1)}`).join(', ')}`);
  }
  clearInterval(lagTimer);
  const stages = await stageTimes(db, new Date(Date.now() - 3600_000));

  const figures: BenchFigures = {
    date: new Date().toISOString(),
    commit: process.env.BENCH_COMMIT,
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? ''}`,
    processes: pids.map((p) => p.name),
    phases,
    peakRssMiB: Object.fromEntries(pids.map(({ name, pid }) => [name, peakRssMiB(pid)])),
  };

  console.log('');
  console.log(
    '| phase | accepted ev/s | sustained ev/s end to end | e2e p50 / p95 / p99 ms | acceptance → verified webhook p50 / p95 / p99 ms (alerts received/sent) | ingest p50 / p99 ms | max queue lag (jobs) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const p of Object.values(phases)) {
    console.log(
      `| ${p.name} | ${fmt(p.acceptedPerSecond)} | ${fmt(p.sustainedPerSecond)} | ${fmt(p.e2eMs.p50)} / ${fmt(p.e2eMs.p95)} / ${fmt(p.e2eMs.p99)} | ${fmt(p.webhookMs.p50)} / ${fmt(p.webhookMs.p95)} / ${fmt(p.webhookMs.p99)} (${p.webhookMs.received}/${p.webhookMs.sent}) | ${fmt(p.ingestMs.p50, 1)} / ${fmt(p.ingestMs.p99, 1)} | ${p.maxQueueLag} |`,
    );
  }
  console.log('');
  const groups = [...new Set(Object.values(phases).flatMap((p) => Object.keys(p.cpuMicrosPerEvent)))];
  console.log(`CPU µs per event, by process (from a phase's start until it drained; "postgres background" is shared with anything else on the server and not in the sum):`);
  console.log(`| phase | ${groups.join(' | ')} | sum |`);
  console.log(`| --- |${groups.map(() => ' --- |').join('')} --- |`);
  for (const p of Object.values(phases))
    console.log(`| ${p.name} | ${groups.map((g) => fmt(p.cpuMicrosPerEvent[g])).join(' | ')} | ${fmt(cpuTotal(p))} |`);
  console.log('');
  console.log('| stage | batches | ms per batch | events/s of stage time |');
  console.log('| --- | --- | --- | --- |');
  for (const s of stages)
    console.log(
      `| ${s.stage} | ${s.batches} | ${fmt(s.msPerBatch, 1)} | ${fmt(s.eventsPerSecondOfStageTime)} |`,
    );
  if (receiver.unverified > 0)
    console.log(`webhooks that failed signature verification: ${receiver.unverified}`);
  console.log('');
  console.log(`peak RSS: ${Object.entries(figures.peakRssMiB).map(([name, mib]) => `${name} ${mib ?? '?'} MiB`).join(', ')}`);
  console.log('');
  console.log(`| target | goal | now |${before ? ` before (${before.date.slice(0, 10)}${before.commit ? `, ${before.commit}` : ''}) |` : ''} met |`);
  console.log(`| --- | --- | --- |${before ? ' --- |' : ''} --- |`);
  for (const t of TARGETS) {
    const now = t.read(figures);
    const then = before ? t.read(before) : NaN;
    console.log(
      `| ${t.label} | ${t.goal} ${t.unit} | ${fmt(now)} |${before ? ` ${fmt(then)} |` : ''} ${Number.isFinite(now) ? (t.met(now) ? 'yes' : 'no') : '-'} |`,
    );
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(figures, null, 2));
  console.log(`\nfigures written to ${outFile}`);
  await Promise.all(queues.map((q) => q.close()));
  await db.end();
  await receiver.close();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
