/**
 * simulate — labelled OTT traffic, sent live to the ingest API.
 *
 *   node dist/tools/scripts/simulate.js --users N --rate R --duration S [--scenarios a,b|none] [--truth FILE]
 *     [--seed N] [--url http://127.0.0.1:3000] [--batch-size 200] [--concurrency 4] [--api-key KEY]
 *     [--max-events N] [--out FILE.ndjson] [--dry-run]
 *
 * Without --api-key it logs in as the admin (ADMIN_EMAIL / ADMIN_PASSWORD, defaults admin@example.com /
 * dev-only-Admin-password-1) and creates an ingest key named "simulator". Events are released at R a
 * second with occurredAt = now, batched, and posted with a few requests in flight; after S seconds the run
 * answers the data-subject requests it left open, drains, prints a summary and writes the ground truth.
 * --dry-run sends nothing: it generates the same stream in simulated time (write it with --out).
 * Exit codes: 0 done, 1 the API is unreachable / refused us / the run gave up, 2 bad arguments.
 */
import { randomInt } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import {
  runSender,
  type SenderStats,
  VirtualClock,
  type BatchTransport,
} from '../simulation/event-sender';
import { type GroundTruth, GroundTruthRecorder } from '../simulation/ground-truth';
import { ApiError, ApiUnreachableError, IngestClient } from '../simulation/ingest-client';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../simulation/scenarios';
import { TrafficGenerator } from '../simulation/traffic-generator';

export const USAGE =
  'usage: simulate -- --users N --rate R --duration S [--scenarios a,b|none] [--truth FILE] [--seed N]\n' +
  '       [--url http://127.0.0.1:3000] [--batch-size 200] [--concurrency 4] [--api-key KEY] [--max-events N]\n' +
  '       [--out FILE.ndjson] [--dry-run]\n' +
  `scenarios: ${SCENARIO_NAMES.join(', ')}`;

export const DEFAULT_URL = 'http://127.0.0.1:3000';
const DEFAULT_ADMIN_EMAIL = 'admin@example.com';
const DEFAULT_ADMIN_PASSWORD = 'dev-only-Admin-password-1';
/** The most the API lets an ingest key make (CreateApiKeyDto). */
const KEY_REQUESTS_PER_MINUTE = 1_000_000;

export interface SimulateArguments {
  users: number;
  rate: number;
  durationS: number;
  scenarios: ScenarioName[];
  truth?: string;
  seed: number;
  /** The seed was drawn, not given. */
  seedDrawn: boolean;
  url: string;
  batchSize: number;
  concurrency: number;
  apiKey?: string;
  maxEvents: number;
  out?: string;
  dryRun: boolean;
}

/** Wrong arguments: exit 2 with the reason. */
export class SimulateInputError extends Error {}

const VALUE_FLAGS = [
  '--users',
  '--rate',
  '--duration',
  '--scenarios',
  '--truth',
  '--seed',
  '--url',
  '--batch-size',
  '--concurrency',
  '--api-key',
  '--max-events',
  '--out',
] as const;
const BOOLEAN_FLAGS = ['--dry-run'] as const;

export function parseSimulateArguments(
  argv: readonly string[],
  drawSeed: () => number = () => randomInt(0, 2 ** 31),
): SimulateArguments {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const at = argument.indexOf('=');
    const flag = at === -1 ? argument : argument.slice(0, at);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(flag)) {
      if (at !== -1) throw new SimulateInputError(`${flag} takes no value\n${USAGE}`);
      switches.add(flag);
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag))
      throw new SimulateInputError(`unknown argument '${argument}'\n${USAGE}`);
    const value = at === -1 ? argv[++i] : argument.slice(at + 1);
    if (value === undefined || (at === -1 && value.startsWith('--')))
      throw new SimulateInputError(`${flag} needs a value\n${USAGE}`);
    if (values.has(flag)) throw new SimulateInputError(`${flag} given twice`);
    values.set(flag, value);
  }
  const users = integer(values, '--users', 1000, 1, 5_000_000);
  const rate = number(values, '--rate', 50, 0.01, 100_000);
  const durationS = number(values, '--duration', 60, 0.1, 7 * 86_400);
  const seedText = values.get('--seed');
  const seed = seedText === undefined ? drawSeed() : integer(values, '--seed', 0, 0, Number.MAX_SAFE_INTEGER);
  const url = values.get('--url') ?? DEFAULT_URL;
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw new SimulateInputError(`--url must be an http(s) URL, got '${url}'`);
  return {
    users,
    rate,
    durationS,
    scenarios: parseScenarios(values.get('--scenarios')),
    truth: values.get('--truth'),
    seed,
    seedDrawn: seedText === undefined,
    url,
    batchSize: integer(values, '--batch-size', 200, 1, 1000),
    concurrency: integer(values, '--concurrency', 4, 1, 64),
    apiKey: values.get('--api-key'),
    maxEvents: integer(values, '--max-events', Math.ceil(rate * durationS), 1, Number.MAX_SAFE_INTEGER),
    out: values.get('--out'),
    dryRun: switches.has('--dry-run'),
  };
}

function parseScenarios(text: string | undefined): ScenarioName[] {
  if (text === undefined || text === 'all') return [...SCENARIO_NAMES];
  if (text === 'none' || text === '') return [];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !isScenarioName(n));
  if (unknown.length > 0) {
    throw new SimulateInputError(
      `unknown scenario ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`,
    );
  }
  return [...new Set(names)] as ScenarioName[];
}

function number(
  values: Map<string, string>,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new SimulateInputError(`${flag} must be a number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

function integer(
  values: Map<string, string>,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = values.get(flag);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulateInputError(`${flag} must be a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

export interface SimulateIo {
  env: Record<string, string | undefined>;
  log(message: string): void;
  error(message: string): void;
  fetch?: typeof fetch;
  now?: () => number;
}

const defaultIo: SimulateIo = {
  env: process.env,
  log: (m) => console.log(m),
  error: (m) => console.error(m),
};

/** Runs the whole command; returns the process exit code. */
export async function runSimulate(argv: readonly string[], io: SimulateIo = defaultIo): Promise<number> {
  let args: SimulateArguments;
  try {
    args = parseSimulateArguments(argv);
  } catch (error) {
    if (error instanceof SimulateInputError) {
      io.error(`simulate: ${error.message}`);
      return 2;
    }
    throw error;
  }

  let transport: BatchTransport;
  if (args.dryRun) {
    transport = {
      send: async (events) => ({
        kind: 'delivered',
        result: { accepted: events.map((e) => e.eventId), duplicates: [], rejected: [] },
      }),
    };
  } else {
    const client = new IngestClient(args.url, io.fetch === undefined ? {} : { fetch: io.fetch });
    try {
      let apiKey = args.apiKey;
      if (apiKey === undefined) {
        const email = io.env.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL;
        const token = await client.login(email, io.env.ADMIN_PASSWORD ?? DEFAULT_ADMIN_PASSWORD);
        apiKey = await client.createApiKey(token, 'simulator', KEY_REQUESTS_PER_MINUTE);
      } else {
        await client.checkReachable();
      }
      transport = client.transport(apiKey);
    } catch (error) {
      if (error instanceof ApiUnreachableError) {
        io.error(`simulate: ${error.message} — is the API running? (npm run start, or --url)`);
        return 1;
      }
      if (error instanceof ApiError) {
        io.error(`simulate: ${error.message}`);
        return 1;
      }
      throw error;
    }
  }

  // A dry run starts now too, but its clock jumps ahead instead of waiting.
  const startMs = (io.now ?? Date.now)();
  const durationMs = args.durationS * 1000;
  const generator = new TrafficGenerator({
    seed: args.seed,
    users: args.users,
    rate: args.rate,
    startMs,
    durationMs,
    scenarios: args.scenarios,
  });
  const recorder = new GroundTruthRecorder(args.seed, args.users, generator.scenarios, args.scenarios);
  const out = args.out === undefined ? undefined : openSync(args.out, 'w');
  let stats: SenderStats;
  try {
    stats = await runSender({
      next: () => generator.next(),
      transport,
      startMs,
      durationMs,
      batchSize: args.batchSize,
      maxInFlight: args.concurrency,
      maxEvents: args.maxEvents,
      closing: (atMs) => generator.closeOut(atMs),
      clock: args.dryRun ? new VirtualClock(startMs) : undefined,
      onDispatch: (batch) => {
        for (const item of batch) recorder.record(item);
        if (out !== undefined)
          writeSync(out, batch.map((item) => JSON.stringify(item.event)).join('\n') + '\n');
      },
    });
  } finally {
    if (out !== undefined) closeSync(out);
  }
  recorder.exclude(stats.undeliveredEventIds);
  const truth = recorder.build(new Date((io.now ?? Date.now)()));
  if (args.truth !== undefined) writeFileSync(args.truth, JSON.stringify(truth, null, 2) + '\n');
  io.log(formatSummary(args, stats, truth));
  if (stats.aborted !== undefined) {
    io.error(`simulate: gave up: ${stats.aborted}`);
    return 1;
  }
  if (stats.sent > 0 && stats.accepted + stats.duplicates === 0) {
    io.error('simulate: the API took none of the events');
    return 1;
  }
  return 0;
}

/** The one-screen report of a run. */
export function formatSummary(args: SimulateArguments, stats: SenderStats, truth: GroundTruth): string {
  const lines: string[] = [];
  const target = args.dryRun ? 'dry run (nothing sent)' : args.url;
  lines.push(
    `simulate: seed ${args.seed}${args.seedDrawn ? ' (drawn)' : ''}, ${args.users} viewers, ${args.rate} events/s for ${args.durationS} s → ${target}`,
  );
  lines.push(
    `events    sent ${stats.sent}, accepted ${stats.accepted}, duplicates ${stats.duplicates}, rejected ${stats.rejected}` +
      (stats.undelivered > 0 ? `, undelivered ${stats.undelivered}` : '') +
      (stats.unconfirmed > 0 ? `, unconfirmed ${stats.unconfirmed}` : ''),
  );
  lines.push(
    `requests  ${stats.requests} (retries ${stats.retries}, throttled ${stats.throttled}, failed ${stats.failedRequests}); ` +
      `achieved ${stats.sentRate.toFixed(1)} events/s, ${(stats.elapsedMs / 1000).toFixed(1)} s in all`,
  );
  for (const r of stats.rejections.slice(0, 5)) {
    const reasons = r.details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
    lines.push(`rejected  ${r.eventId ?? '?'} (${r.type ?? '?'}) ${reasons}`);
  }
  for (const message of stats.errors.slice(0, 5)) lines.push(`error     ${message}`);
  if (stats.aborted !== undefined) lines.push(`aborted   ${stats.aborted}`);
  const names = Object.keys(truth.scenarios) as ScenarioName[];
  if (names.length > 0) {
    const width = Math.max(...names.map((n) => n.length));
    lines.push(`scenarios ${'name'.padEnd(width)}  viewers actors events triggers  rules`);
    for (const name of names) {
      const s = truth.scenarios[name]!;
      const rules =
        s.triggerEventIds.length === 0
          ? '(no trigger reached yet)'
          : s.rules.length === 0
            ? '(anomaly model only)'
            : s.rules.join(' ');
      lines.push(
        `          ${name.padEnd(width)}  ${String(s.viewers.length).padStart(7)} ${String(s.actors.length).padStart(6)} ` +
          `${String(s.eventIds.length).padStart(6)} ${String(s.triggerEventIds.length).padStart(8)}  ${rules}`,
      );
    }
  }
  lines.push(
    `truth     ${truth.cleanViewers.length} clean viewers` +
      (args.truth === undefined ? ' (not written: no --truth)' : `, written to ${args.truth}`),
  );
  return lines.join('\n');
}

if (require.main === module) {
  void runSimulate(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(
        `simulate: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
