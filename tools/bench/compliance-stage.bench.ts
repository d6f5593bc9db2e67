/**
 * compliance-stage.bench — events per second through the compliance stage's handle() on real
 * PostgreSQL: realistic batches of 500 events (a production-like mix over many viewers, from the domain's
 * synthetic stream) stored as reception leaves them, then handled by 1, 2 and 4 concurrent workers (the
 * stage's default concurrency is 4), each batch in its own transaction: claim, lock the viewers' and
 * actors' state rows, evaluate all shipped rules, write states, ledger, requests and findings.
 *
 *   npm run build && node dist/tools/bench/compliance-stage.bench.js [--events 150000] [--viewers 50000] [--warm 300000]
 *     [--database postgres://postgres@127.0.0.1:5432/ott_compliance_bench_compliance] [--json out.json]
 *
 * The database is dropped and re-created (it is the benchmark's own). The first --warm events are handled
 * before timing (every viewer signs up, with its consents, in the first 300,000), so the timed batches are
 * steady operation: viewers with a stored state, ~490 distinct viewers a batch. The figures printed are
 * wall-clock events/s, batch latency, and CPU per event of this process and of its PostgreSQL backends
 * (the stable figure when the machine is shared).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LateEventReevaluator } from '../../src/compliance/late-events/late-event-reevaluator';
import { LateEventsRepository } from '../../src/compliance/persistence/late-events.repository';
import { ComplianceStage } from '../../src/compliance/compliance.stage';
import { syntheticEvents } from '../testing/compliance/synthetic-events';
import { ComplianceStateStore } from '../../src/compliance/persistence/compliance-state.store';
import { ActiveRules } from '../../src/compliance/rules/active-rules';
import { RulesRepository } from '../../src/compliance/persistence/rules.repository';
import {
  DEFAULT_BENCH_DATABASE_URL,
  openDatabase,
  recreateDatabase,
  storeEvents,
  withUuids,
} from '../testing/compliance/stored-event-seed';
import { cpuBetween, cpuSeconds, loadAverage } from '../testing/compliance/cpu-usage';
import { loadConfig } from '../../src/config/app-config';
import { Transactions } from '../../src/database/transactions';

interface Options {
  events: number;
  viewers: number;
  warm: number;
  database: string;
  json?: string;
}

function parseArguments(argv: string[]): Options {
  const options: Options = {
    events: 150_000,
    viewers: 50_000,
    warm: 300_000,
    database: DEFAULT_BENCH_DATABASE_URL,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === '--events') options.events = Number(value);
    else if (argv[i] === '--viewers') options.viewers = Number(value);
    else if (argv[i] === '--warm') options.warm = Number(value);
    else if (argv[i] === '--database') options.database = value;
    else if (argv[i] === '--json') options.json = value;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return options;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  await recreateDatabase(options.database);
  const ds = await openDatabase(options.database, 10, true);
  try {
    const started = performance.now();
    const batches = await storeEvents(
      ds,
      withUuids(syntheticEvents(options.events + options.warm, options.viewers)),
    );
    console.log(
      `stored ${options.events + options.warm} events in ${batches.length} batches (${Math.round(performance.now() - started)} ms)`,
    );
    await ds.query('VACUUM ANALYZE');

    const rules = new ActiveRules(new RulesRepository(ds));
    const store = new ComplianceStateStore(ds);
    const stage = new ComplianceStage(
      store,
      new Transactions(ds),
      rules,
      { rules: loadConfig({}).rules },
      new LateEventReevaluator(new LateEventsRepository(), store),
    );
    const active = await rules.get();
    console.log(`rules: ${active.rules.rules.length} enabled`);

    const warmBatches = Math.ceil(options.warm / 500);
    const queue = batches.slice(warmBatches);
    for (const b of batches.slice(0, warmBatches)) await stage.apply(b);

    // Three rounds over thirds of the remaining batches, at concurrency 1, 2 and 4.
    const results: Array<{
      workers: number;
      events: number;
      seconds: number;
      eventsPerSecond: number;
      p50: number;
      p95: number;
      findings: number;
      cpuMicrosPerEvent: { node: number; db: number };
    }> = [];
    const third = Math.floor(queue.length / 3);
    const rounds = [
      { workers: 1, list: queue.slice(0, third) },
      { workers: 2, list: queue.slice(third, 2 * third) },
      { workers: 4, list: queue.slice(2 * third) },
    ];
    for (const { workers, list } of rounds) {
      let next = 0;
      let events = 0;
      let findings = 0;
      const latencies: number[] = [];
      // Open every pool connection first, so that the backends' CPU is counted from the start.
      await Promise.all(Array.from({ length: workers * 3 }, () => ds.query('SELECT 1')));
      const cpu0 = await cpuSeconds(ds);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (next < list.length) {
            const batch = list[next++];
            const s = performance.now();
            const outcome = await stage.apply(batch);
            latencies.push(performance.now() - s);
            events += outcome.events;
            findings += outcome.findings;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = await cpuSeconds(ds);
      latencies.sort((a, b) => a - b);
      const row = {
        workers,
        events,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSecond: Math.round(events / seconds),
        p50: Math.round(percentile(latencies, 0.5)),
        p95: Math.round(percentile(latencies, 0.95)),
        findings,
        cpuMicrosPerEvent: {
          node: Math.round((cpuBetween(cpu0, cpu1).node / events) * 1e6),
          db: Math.round((cpuBetween(cpu0, cpu1).db / events) * 1e6),
        },
      };
      results.push(row);
      const perEvent = row.cpuMicrosPerEvent.node + row.cpuMicrosPerEvent.db;
      console.log(
        `${workers} worker(s): ${events} events in ${row.seconds} s = ${row.eventsPerSecond} events/s; ` +
          `batch of 500: p50 ${row.p50} ms, p95 ${row.p95} ms; ${findings} findings; CPU per event: ` +
          `${row.cpuMicrosPerEvent.node} µs node + ${row.cpuMicrosPerEvent.db} µs PostgreSQL ` +
          `(= ${Math.round(1e6 / perEvent)} events per CPU-second)`,
      );
    }
    console.log(`machine load average: ${loadAverage()}`);
    const [{ viewers, bytes }] = await ds.query(
      `SELECT count(*)::int AS viewers, avg(octet_length(state::text))::int AS bytes FROM compliance_viewer_state_json`,
    );
    console.log(`stored viewer states: ${viewers}, ${bytes} bytes on average`);
    if (options.json)
      writeFileSync(options.json, `${JSON.stringify({ options, results, viewers, bytes }, null, 2)}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
