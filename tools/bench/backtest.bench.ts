/**
 * backtest.bench — how long a back-test run takes (the replay a worker thread runs, on real
 * PostgreSQL) over a million stored events: a changed version of GDPR-01 (a 60-minute grace period)
 * against the stored version 1, replayed through the server-side cursor with state rebuilt as of each event.
 *
 *   npm run build && node dist/tools/bench/backtest.bench.js [--events 1000000] [--viewers 50000] [--reuse]
 *     [--database postgres://postgres@127.0.0.1:5432/ott_compliance_bench_backtest] [--json out.json]
 *
 * Without --reuse the database is dropped, re-created and loaded (INSERT … unnest, 5,000 rows a
 * statement; the events span about a month). Five measurements: the whole stored range; the last
 * third (the first two thirds are replayed as warm-up for the viewers seen in the range); a busier rule
 * (GDPR-02) over the whole range; CCPA-02 (reads the GPC signal, which events of any type carry); a new
 * rule reading the viewer's last activity, which every event moves, so that every stored event is
 * replayed: the worst case.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BacktestReport } from '../../src/compliance/domain/backtest-run';
import { BacktestReplay } from '../../src/compliance/backtest/backtest-replay';
import { prepareBacktest } from '../../src/compliance/backtest/backtest-request';
import { syntheticEvents } from '../testing/compliance/synthetic-events';
import { SEED_RULES } from '../../src/compliance/rule-packs';
import { ActiveRules } from '../../src/compliance/rules/active-rules';
import { RulesRepository } from '../../src/compliance/persistence/rules.repository';
import {
  openDatabase,
  recreateDatabase,
  storeEvents,
  withUuids,
} from '../testing/compliance/stored-event-seed';
import { cpuBetween, cpuSeconds, loadAverage } from '../testing/compliance/cpu-usage';

const DEFAULT_DATABASE = 'postgres://postgres@127.0.0.1:5432/ott_compliance_bench_backtest';

interface Options {
  events: number;
  viewers: number;
  reuse: boolean;
  database: string;
  json?: string;
}

function parseArguments(argv: string[]): Options {
  const options: Options = { events: 1_000_000, viewers: 50_000, reuse: false, database: DEFAULT_DATABASE };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--events') options.events = Number(value);
    else if (argv[i] === '--viewers') options.viewers = Number(value);
    else if (argv[i] === '--database') options.database = value;
    else if (argv[i] === '--json') options.json = value;
    else if (argv[i] === '--reuse') {
      options.reuse = true;
      continue;
    } else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  return options;
}

/** The draft: the stored rule with new parameter defaults, without its version (the service assigns it). */
function draftOf(ruleId: string, parameters: Record<string, unknown>): Record<string, unknown> {
  const rule = SEED_RULES.find((r) => r.id === ruleId)!;
  const { version: _version, ...definition } = rule;
  const changed = Object.fromEntries(
    Object.entries(rule.parameters ?? {}).map(([name, p]) => [
      name,
      name in parameters ? { ...p, default: parameters[name] } : p,
    ]),
  );
  return { ...definition, parameters: changed };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  let ds = options.reuse ? await openDatabase(options.database, 4, true).catch(() => null) : null;
  const stored = ds ? Number((await ds.query(`SELECT count(*) AS n FROM processed_events`))[0].n) : 0;
  if (!ds || stored < options.events) {
    await ds?.destroy();
    await recreateDatabase(options.database);
    ds = await openDatabase(options.database, 4, true);
    const started = performance.now();
    await storeEvents(ds, withUuids(syntheticEvents(options.events, options.viewers), 25), {
      receipts: false,
    });
    await ds.query('VACUUM ANALYZE processed_events');
    console.log(`loaded ${options.events} events in ${Math.round((performance.now() - started) / 1000)} s`);
  } else {
    console.log(`reusing ${stored} stored events`);
  }
  try {
    const [{ first, last, n }] = await ds.query(
      `SELECT min(occurred_at) AS first, max(occurred_at) AS last, count(*)::int AS n FROM processed_events`,
    );
    const from = new Date(first);
    const to = new Date(new Date(last).getTime() + 1);
    const twoThirds = new Date(from.getTime() + ((to.getTime() - from.getTime()) * 2) / 3);
    const rules = new ActiveRules(new RulesRepository(ds));
    await rules.ensureSeeded();
    const replay = new BacktestReplay(rules.language);
    // The replay itself, on one connection of this process (the product runs it in a worker thread).
    const runBacktest = async (request: { draft: Record<string, unknown>; from: Date; to: Date }) => {
      const input = await prepareBacktest(request, rules, new RulesRepository(ds!));
      const runner = ds!.createQueryRunner();
      await runner.connect();
      try {
        return await replay.run(runner, input);
      } finally {
        await runner.release();
      }
    };

    const runs: Array<{ name: string; from: Date; draft: Record<string, unknown> }> = [
      {
        name: 'GDPR-01 grace 0 → 60 min, whole range',
        from,
        draft: draftOf('GDPR-01', { graceMinutes: 60 }),
      },
      {
        name: 'GDPR-01, last third (warm-up: two thirds)',
        from: twoThirds,
        draft: draftOf('GDPR-01', { graceMinutes: 60 }),
      },
      {
        name: 'GDPR-02 without analytics, whole range',
        from,
        draft: draftOf('GDPR-02', {
          consentPurposes: [
            'marketing',
            'personalisation',
            'ads_targeting',
            'third_party_sharing',
            'sale_share',
            'viewing_history_disclosure',
            'cross_border_transfer',
          ],
        }),
      },
      // Reads the viewer's GPC signal, which any event can carry: sale/share events and every event with a signal.
      {
        name: 'CCPA-02 grace 15 → 5 business days, whole range',
        from,
        draft: draftOf('CCPA-02', { graceBusinessDays: 5 }),
      },
      // Reads the viewer's last activity, which every event moves: the worst case, every stored event.
      {
        name: 'a rule on last activity (every event), whole range',
        from,
        draft: {
          ...draftOf('GDPR-09A', {}),
          id: 'BENCH-ACTIVITY',
          condition: 'event.actorType == "staff" && viewer.lastActivityAt < event.at - days(30.0)',
          explanation: '"Staff read the data of a viewer inactive since " + iso(viewer.lastActivityAt)',
        },
      },
    ];
    const results = [];
    for (const run of runs) {
      // Open the pool's connections first, so that the backends' CPU is counted from the start.
      await Promise.all(Array.from({ length: 4 }, () => ds!.query('SELECT 1')));
      const cpu0 = await cpuSeconds(ds);
      const started = performance.now();
      const report: BacktestReport = await runBacktest({ draft: run.draft, from: run.from, to });
      const ms = Math.round(performance.now() - started);
      const cpu1 = await cpuSeconds(ds);
      const cpu = {
        nodeMs: Math.round(cpuBetween(cpu0, cpu1).node * 1000),
        dbMs: Math.round(cpuBetween(cpu0, cpu1).db * 1000),
      };
      const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
      results.push({
        name: run.name,
        ms,
        eventsReplayed: report.eventsReplayed,
        warmUpEvents: report.warmUp.events,
        filter: report.eventsReplayedFilter,
        diff: {
          appeared: report.diff.appeared,
          disappeared: report.diff.disappeared,
          unchanged: report.diff.unchanged,
        },
        rssMb,
        cpu,
      });
      console.log(
        `${run.name}: ${ms} ms for ${report.eventsReplayed} events in range + ${report.warmUp.events} warm-up ` +
          `(${n} stored); evaluated ${report.eventsEvaluated}; draft ${report.draft.total} vs current ${report.current?.total ?? 'none (new rule)'} ` +
          `(+${report.diff.appeared} −${report.diff.disappeared}); ${Object.keys(report.draft.byDay).length} days; RSS ${rssMb} MB; ` +
          `CPU ${cpu.nodeMs} ms node + ${cpu.dbMs} ms PostgreSQL`,
      );
    }
    console.log(`machine load average: ${loadAverage()}`);
    if (options.json) writeFileSync(options.json, `${JSON.stringify({ options, results }, null, 2)}\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
