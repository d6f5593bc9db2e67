/**
 * validation.bench — events per second on one core: class-validator (validateEvent) against the compiled
 * validator derived from the same classes (EventValidator), on a production-like mix of event types with 2%
 * invalid events.
 *
 *   npm run build && node dist/tools/bench/validation.bench.js [--seconds 2.5] [--json tools/bench/results/validation.json]
 *
 * Each validator is warmed up, then run for --seconds in total over a pool of distinct event objects, in slices
 * alternating with the other validator. Single-threaded, so the figures are per core; the best slice is the
 * figure to quote on a shared machine, the median shows the noise.
 */
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { EventType } from '../../src/ingestion/domain/event-types';
import { EVENT_EXAMPLES } from '../../src/ingestion/dto/event-examples';
import { validateEvent, type ValidationOutcome } from '../../src/ingestion/dto/event-validation';
import { EventValidator } from '../../src/ingestion/dto/event-validator';

/** Relative frequency of each type in a viewing platform's stream: playback and pixels dominate. */
const MIX: Readonly<Record<EventType, number>> = {
  'playback.started': 180,
  'playback.stopped': 170,
  'tracking.fired': 200,
  'ad.served': 150,
  'auth.login.succeeded': 60,
  'auth.login.failed': 20,
  'auth.logout': 40,
  'auth.password_reset': 2,
  'consent.granted': 40,
  'consent.withdrawn': 10,
  'client.error': 40,
  'api.error': 20,
  'data.accessed': 30,
  'data.shared': 15,
  'data.exported': 3,
  'data.deleted': 5,
  'account.created': 5,
  'account.age_verified': 2,
  'account.parental_consent_given': 1,
  'account.closed': 1,
  'dsr.opened': 1,
  'dsr.extended': 1,
  'dsr.paused': 1,
  'dsr.resumed': 1,
  'dsr.completed': 1,
  'dsr.refused': 1,
  'dsr.recipient_notified': 1,
  'security.breach.confirmed': 1,
  'breach.authority_notified': 1,
};
const INVALID_SHARE = 0.02;
const POOL_SIZE = 10_000;

interface Options {
  seconds: number;
  json?: string;
}

function parseArguments(argv: string[]): Options {
  const options: Options = { seconds: 2.5 };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--seconds') options.seconds = Number(argv[i + 1]);
    else if (argv[i] === '--json') options.json = argv[i + 1];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!(options.seconds > 0)) throw new Error('--seconds must be positive');
  return options;
}

/** Deterministic pool: distinct objects, ids and times, so no validator sees the same object twice in a row. */
function eventPool(size: number): unknown[] {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const weighted = (Object.entries(MIX) as Array<[EventType, number]>).flatMap(([type, weight]) =>
    Array.from({ length: weight }, () => type),
  );
  const base = Date.parse('2026-03-01T00:00:00Z');
  return Array.from({ length: size }, (_v, i) => {
    const type = weighted[Math.floor(random() * weighted.length)];
    const event = structuredClone(EVENT_EXAMPLES[type]) as unknown as Record<string, unknown>;
    event.eventId = randomUUID();
    event.occurredAt = new Date(base + Math.floor(random() * 86_400_000)).toISOString();
    if (typeof event.userId === 'string') event.userId = `v-${(i % 5000).toString(16)}`;
    if (random() < INVALID_SHARE) {
      // The usual client bugs: a field of the wrong type, an unknown field, a stray country code.
      const bug = Math.floor(random() * 3);
      if (bug === 0) event.occurredAt = Date.parse(event.occurredAt as string);
      else if (bug === 1) event.debug = true;
      else event.country = 'UK';
    }
    return event;
  });
}

/** Events per second of `validate` over `seconds`, cycling through the pool from `offset`. */
function measure(validate: (plain: unknown) => ValidationOutcome, pool: unknown[], seconds: number): number {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let count = 0;
  let accepted = 0;
  while (process.hrtime.bigint() < end) {
    // Read the clock every 256 events only.
    for (let j = 0; j < 256; j++, count++) accepted += validate(pool[count % pool.length]).ok ? 1 : 0;
  }
  if (accepted > count) throw new Error('unreachable');
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * Runs the validators in alternating slices (10 per validator) so that a burst of load from other processes
 * hits both alike; reports the best and the median slice of each.
 */
function compare(
  validators: Record<string, (plain: unknown) => ValidationOutcome>,
  pool: unknown[],
  seconds: number,
): Record<string, { best: number; median: number }> {
  const slices = 10;
  for (const validate of Object.values(validators)) measure(validate, pool, Math.min(0.5, seconds / 5)); // warm-up
  const rates: Record<string, number[]> = Object.fromEntries(
    Object.keys(validators).map((name) => [name, []]),
  );
  for (let slice = 0; slice < slices; slice++) {
    for (const [name, validate] of Object.entries(validators))
      rates[name].push(measure(validate, pool, seconds / slices));
  }
  return Object.fromEntries(
    Object.entries(rates).map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [name, { best: sorted[sorted.length - 1], median: (sorted[4] + sorted[5]) / 2 }];
    }),
  );
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  const pool = eventPool(POOL_SIZE);
  const compileStart = process.hrtime.bigint();
  const compiled = new EventValidator();
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;

  const disagreements = pool.filter(
    (event) => validateEvent(event).ok !== compiled.validate(event).ok,
  ).length;
  if (disagreements > 0) throw new Error(`the validators disagree on ${disagreements} events of the pool`);
  const invalid = pool.filter((event) => !compiled.validate(event).ok).length;

  const rates = compare(
    { classValidator: (plain) => validateEvent(plain), compiled: (plain) => compiled.validate(plain) },
    pool,
    options.seconds,
  );
  const rounded = (rate: { best: number; median: number }) => ({
    best: Math.round(rate.best),
    median: Math.round(rate.median),
  });
  const result = {
    node: process.version,
    pool: POOL_SIZE,
    invalidInPool: invalid,
    secondsPerValidator: options.seconds,
    compileMs: Math.round(compileMs),
    classValidatorEventsPerSecond: rounded(rates.classValidator),
    compiledEventsPerSecond: rounded(rates.compiled),
    speedupBest: Number((rates.compiled.best / rates.classValidator.best).toFixed(1)),
    speedupMedian: Number((rates.compiled.median / rates.classValidator.median).toFixed(1)),
  };
  const line = (label: string, rate: { best: number; median: number }) =>
    `${label}  best ${rate.best.toLocaleString('en')} events/s, median ${rate.median.toLocaleString('en')} events/s`;
  console.log(
    `pool: ${POOL_SIZE} events (${invalid} invalid), ${options.seconds} s per validator in 10 slices, one core`,
  );
  console.log(line('class-validator', result.classValidatorEventsPerSecond));
  console.log(line('compiled (ajv) ', result.compiledEventsPerSecond));
  console.log(`speed-up: x${result.speedupBest} (best), x${result.speedupMedian} (median)`);
  console.log(`compiled validator built in ${result.compileMs} ms`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
}

main();
