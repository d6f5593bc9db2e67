/**
 * validation.bench — events per second (and µs per event) on one core of the hot-path validator
 * (EventValidator, compiled from the event contract), on a production-like mix of event types with 2%
 * invalid events.
 *
 *   npm run bench:validation -- [--seconds 2.5] [--json tools/bench/results/validation.json]
 *
 * The validator is warmed up, then run for --seconds in 10 slices over a pool of distinct event objects.
 * Single-threaded, so the figures are per core; the best slice is the figure to quote on a shared machine,
 * the median shows the noise.
 */
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { EventType } from '../../src/ingestion/domain/event-types';
import { EVENT_EXAMPLES } from '../../src/ingestion/dto/event-examples';
import { EventValidator, type ValidationOutcome } from '../../src/ingestion/dto/event-validator';

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

/** Runs the validator in 10 slices after a warm-up; reports the best and the median slice. */
function slices(
  validate: (plain: unknown) => ValidationOutcome,
  pool: unknown[],
  seconds: number,
): { best: number; median: number } {
  const count = 10;
  measure(validate, pool, Math.min(0.5, seconds / 5)); // warm-up
  const rates = Array.from({ length: count }, () => measure(validate, pool, seconds / count)).sort(
    (a, b) => a - b,
  );
  return { best: rates[count - 1], median: (rates[4] + rates[5]) / 2 };
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  const pool = eventPool(POOL_SIZE);
  const compileStart = process.hrtime.bigint();
  const validator = new EventValidator();
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  const invalid = pool.filter((event) => !validator.validate(event).ok).length;
  if (invalid === 0 || invalid > POOL_SIZE * INVALID_SHARE * 2) {
    throw new Error(`expected about ${POOL_SIZE * INVALID_SHARE} invalid events in the pool, got ${invalid}`);
  }

  const rate = slices((plain) => validator.validate(plain), pool, options.seconds);
  const microseconds = (eventsPerSecond: number) => Number((1e6 / eventsPerSecond).toFixed(2));
  const result = {
    node: process.version,
    pool: POOL_SIZE,
    invalidInPool: invalid,
    seconds: options.seconds,
    compileMs: Math.round(compileMs),
    eventsPerSecond: { best: Math.round(rate.best), median: Math.round(rate.median) },
    microsecondsPerEvent: { best: microseconds(rate.best), median: microseconds(rate.median) },
  };
  console.log(`pool: ${POOL_SIZE} events (${invalid} invalid), ${options.seconds} s in 10 slices, one core`);
  console.log(
    `compiled validator  best ${result.eventsPerSecond.best.toLocaleString('en')} events/s ` +
      `(${result.microsecondsPerEvent.best} µs/event), median ${result.eventsPerSecond.median.toLocaleString('en')} ` +
      `events/s (${result.microsecondsPerEvent.median} µs/event)`,
  );
  console.log(`compiled validator built in ${result.compileMs} ms`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
}

main();
