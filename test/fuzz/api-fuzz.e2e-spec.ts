import fc from 'fast-check';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ALL_ROLES, Role } from '../../src/security/roles';
import { dropDatabase, migrate, recreateDatabase, TEST_DATABASE_URL } from '../support/test-database';
import { bootTestApp, TestApp } from '../support/test-app';
import { createUser, login } from '../support/users';
import { HealthRecord, Outcome, pollHealth, runBounded, send, Target } from './http-runner';
import { OpenApiDoc, Operation, operationsOf } from './openapi-operations';
import { FuzzRequest, GeneratorContext, KnownValues, requestArb } from './request-arbitraries';

/**
 * The API fuzz suite: every operation of the live OpenAPI document, driven with generated
 * requests (schema-shaped values with hostile ones mixed in) under every role's credentials,
 * an ingest API key and none. Asserts: no 5xx, no answer slower than 2 s, /health/live answers
 * 200 within 2 s throughout, and the audit chain verifies afterwards.
 *
 * Environment: FUZZ_SEED (default 20261207), FUZZ_REQUESTS (default 20000), FUZZ_CONCURRENCY
 * (default 12), FUZZ_MAX_SECONDS (wall-clock budget of the sending phase, default 420),
 * FUZZ_OPS (a regular expression: only matching "METHOD /path" operations, to reproduce one),
 * FUZZ_REPORT_FILE (also write the report there), FUZZ_DUMP_FILE (every request and its answer,
 * one JSON line each), FUZZ_LOG_LEVEL (the app's, default silent).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 12);
const MAX_SECONDS = Number(process.env.FUZZ_MAX_SECONDS ?? 420);
const OPS_FILTER = process.env.FUZZ_OPS ? new RegExp(process.env.FUZZ_OPS) : undefined;
const SLOW_MS = 2_000;
const REQUEST_TIMEOUT_MS = 15_000;
const PER_OP_PER_WAVE = 4;
const HARVEST_EVERY_WAVES = 10;
const METRICS_TOKEN = 'metrics-token-for-the-api-fuzz';

/**
 * The fuzz gets a database of its own: it leaves thousands of rows behind (enabled rules with
 * odd conditions, channels, routes, users, violations) that other e2e files must not see.
 */
const FUZZ_DATABASE_URL = (() => {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `${url.pathname.replace(/^\//, '')}_api_fuzz`;
  return url.toString();
})();

/**
 * Operations not fuzzed, each with its reason. Deliberately empty: the operations that could
 * destroy the fuzzer's own identities (disable a user, revoke a role or an API key, log out a
 * session) are fuzzed, but their ids and refresh tokens come only from victims created for the
 * purpose (the fuzzer's own ids are in `protectedIds`, never offered), so the credentials the fuzz sends with stay valid. A 401 to a
 * credential that should work is still detected, reported and the credential re-minted.
 */
const EXCLUDED: Record<string, string> = {};

jest.setTimeout((MAX_SECONDS + 240) * 1000);

describe('API fuzz (generated from /docs-json)', () => {
  let t: TestApp;
  let host: string;
  let port: number;
  let doc: OpenApiDoc;
  let operations: Operation[];
  const credentials = new Map<string, Record<string, string>>();
  /** Ids of the fuzzer's own users and API key: never offered to the generators. */
  const protectedIds = new Set<string>();

  beforeAll(async () => {
    await recreateDatabase(FUZZ_DATABASE_URL);
    await migrate(FUZZ_DATABASE_URL);
    t = await bootTestApp({
      DATABASE_URL: FUZZ_DATABASE_URL,
      APP_ROLE: 'all',
      LOG_LEVEL: process.env.FUZZ_LOG_LEVEL ?? 'silent',
      METRICS_TOKEN,
      // bootTestApp's generous per-IP hour limit stays (every request comes from 127.0.0.1);
      // the login throttles stay on, at a level the fuzz's share of login calls stays under.
      THROTTLE_LOGIN_PER_MINUTE: '5000',
    });
    const server: http.Server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
    host = '127.0.0.1';
    for (const role of ALL_ROLES) await mintRole(role);
    await mintApiKey();
    credentials.set('metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
  });

  afterAll(async () => {
    await t?.close();
    await dropDatabase(FUZZ_DATABASE_URL);
  });

  async function mintRole(role: Role): Promise<void> {
    const user = await createUser(t.app, [role]);
    protectedIds.add(user.id);
    credentials.set(role, { authorization: `Bearer ${(await login(t.app, user)).accessToken}` });
  }

  async function mintApiKey(): Promise<void> {
    const res = await call('POST', '/api/v1/admin/api-keys', Role.Admin, { name: `fuzz-producer-${randomUUID().slice(0, 8)}`, requestsPerMinute: 1_000_000 });
    if (res.status !== 201) throw new Error(`could not create the fuzz API key: ${res.status} ${res.text}`);
    const body = JSON.parse(res.text);
    protectedIds.add(body.apiKey.id);
    if (body.apiKey.userId) protectedIds.add(body.apiKey.userId);
    credentials.set('api-key', { 'x-api-key': body.key });
  }

  /** One plain JSON call with a credential, outside the fuzz. */
  async function call(method: string, path: string, credential: string, body?: unknown): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        { host, port, method, path, headers: { ...(credentials.get(credential) ?? {}), ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      if (text) req.write(text);
      req.end();
    });
  }

  it('sends every operation hostile and valid requests: no 5xx, no slow answer, health up, audit chain valid', async () => {
    const docRes = await call('GET', '/docs-json', 'none');
    expect(docRes.status).toBe(200);
    doc = JSON.parse(docRes.text);
    operations = operationsOf(doc).filter((op) => !EXCLUDED[op.key] && (!OPS_FILTER || OPS_FILTER.test(op.key)));
    expect(operations.length).toBeGreaterThan(0);

    await seedFromExamples();
    const known = await harvest();
    const ctx: GeneratorContext = {
      doc,
      known,
      credentials: [...ALL_ROLES, 'api-key'],
      // Every documented query name, plus GET /audit's filters, which the document leaves out.
      queryNames: [...new Set(operationsOf(doc).flatMap((op) => op.parameters.filter((p) => p.in === 'query').map((p) => p.name)))].concat('before', 'actorId', 'action', 'targetType', 'targetId'),
      eventTypes: eventTypesOf(doc),
    };

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const forged = ['Bearer x', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGVzIjpbImFkbWluIl19.', 'Basic YWRtaW46YWRtaW4=', 'Bearer ' + 'A'.repeat(5000)];
    let forgedIndex = 0;
    const target: Target = {
      host,
      port,
      agent,
      timeoutMs: REQUEST_TIMEOUT_MS,
      authHeaders: (credential) => {
        if (credential === 'forged') {
          forgedIndex = (forgedIndex + 1) % (forged.length + 1);
          return forgedIndex === forged.length ? { 'x-api-key': 'ott_AAAAAAAAAAAA_' + 'A'.repeat(43) } : { authorization: forged[forgedIndex] };
        }
        return credentials.get(credential) ?? {};
      },
    };

    const outcomes: Outcome[] = [];
    const suspects = new Set<string>();
    const reminted: string[] = [];
    const health = pollHealth(host, port, 100, SLOW_MS);
    const started = Date.now();
    let stoppedEarly = false;
    let arbitraries = new Map(operations.map((op) => [op.key, requestArb(ctx, op)]));
    const perOp = Math.ceil(REQUESTS / operations.length);
    const waves = Math.ceil(perOp / PER_OP_PER_WAVE);

    for (let wave = 0; wave < waves && outcomes.length < REQUESTS; wave++) {
      if ((Date.now() - started) / 1000 > MAX_SECONDS) {
        stoppedEarly = true;
        break;
      }
      if (wave > 0 && wave % HARVEST_EVERY_WAVES === 0) {
        ctx.known = await harvest();
        arbitraries = new Map(operations.map((op) => [op.key, requestArb(ctx, op)]));
      }
      const batch: FuzzRequest[] = [];
      for (const op of operations) {
        const count = Math.min(PER_OP_PER_WAVE, perOp - wave * PER_OP_PER_WAVE);
        if (count > 0) batch.push(...fc.sample(arbitraries.get(op.key)!, { seed: seedFor(op.key, wave), numRuns: count }));
      }
      // Interleave operations deterministically, so concurrent requests hit different handlers.
      const shuffled = fc.sample(fc.shuffledSubarray(batch, { minLength: batch.length }), { seed: seedFor('shuffle', wave), numRuns: 1 })[0];
      await runBounded(shuffled.slice(0, REQUESTS - outcomes.length), CONCURRENCY, async (request) => {
        const outcome = await send(target, request);
        outcomes.push(outcome);
        if (outcome.status === 401 && isGenuine(request.credential) && allows(request.op, request.credential)) suspects.add(request.credential);
      });
      for (const credential of suspects) {
        if (!(await stillValid(credential))) {
          reminted.push(`${credential} (wave ${wave})`);
          if (credential === 'api-key') await mintApiKey();
          else await mintRole(credential as Role);
        }
      }
      suspects.clear();
    }
    const healthRecord = await health.stop();
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;

    const verify = await call('GET', '/api/v1/audit/verify', Role.Auditor);
    const report = buildReport({ outcomes, healthRecord, verify, reminted, seconds, stoppedEarly });
    console.log(report.text);
    if (process.env.FUZZ_REPORT_FILE) writeFileSync(process.env.FUZZ_REPORT_FILE, report.text);
    if (process.env.FUZZ_DUMP_FILE) {
      // Every request as sent (credential by name) with its answer: for replaying one exactly.
      writeFileSync(process.env.FUZZ_DUMP_FILE, outcomes.map((o) => JSON.stringify({ ...o.request, status: o.status, ms: Math.round(o.ms), detail: o.detail })).join('\n'));
    }
    // The seed rides along in the comparison, so a failure message always says how to reproduce it.
    expect({ seed: SEED, problems: report.problems }).toEqual({ seed: SEED, problems: [] });
  });

  /** Posts each documented request example once (rules, channels, routes, events, reports…), so ids exist to fuzz with. */
  async function seedFromExamples(): Promise<void> {
    for (const op of operationsOf(doc)) {
      if (op.parameters.some((p) => p.in === 'path') || op.method === 'GET') continue;
      const examples = op.examples;
      const credential = op.roles.includes('ingest') ? 'api-key' : op.roles.includes(Role.Admin) ? Role.Admin : op.roles[0];
      if (!credential) continue;
      for (const example of examples) await call(op.method, op.path, credential, withFreshEventIds(example));
    }
    // A victim with live sessions: its refresh tokens feed /auth/refresh and /auth/logout.
    const victim = await createUser(t.app, [Role.Analyst]);
    victimRefreshTokens = [];
    for (let i = 0; i < 3; i++) victimRefreshTokens.push((await login(t.app, victim)).refreshToken);
  }
  let victimRefreshTokens: string[] = [];

  /** Ids and names from every list operation, minus the fuzzer's own identities. */
  async function harvest(): Promise<KnownValues> {
    const known: KnownValues = new Map();
    const add = (key: string, value: unknown) => {
      if (value === null || value === undefined || typeof value === 'object') return;
      const text = String(value);
      if (protectedIds.has(text)) return;
      const list = known.get(key) ?? [];
      if (!list.includes(text) && list.length < 50) list.push(text);
      known.set(key, list);
    };
    for (const op of operationsOf(doc)) {
      if (op.method !== 'GET' || op.parameters.some((p) => p.in === 'path') || op.streaming || !op.roles.includes(Role.Admin)) continue;
      const res = await call('GET', op.path, Role.Admin);
      if (res.status !== 200) continue;
      let body: any;
      try {
        body = JSON.parse(res.text);
      } catch {
        continue;
      }
      const items: any[] = Array.isArray(body) ? body : (Object.values(body ?? {}).find(Array.isArray) as any[]) ?? [];
      const segment = op.path.split('/').pop()!;
      for (const item of items.slice(0, 50)) {
        if (!item || typeof item !== 'object') continue;
        for (const field of ['id', 'name', 'version', 'eventId', 'userId', 'batchId', 'runId']) {
          if (!(field in item)) continue;
          add(`${segment}:${field}`, item[field]);
          if (field === 'id') add(`${segment.replace(/-/g, '').replace(/s$/, '')}Id`, item.id);
          if (field === 'userId' || field === 'eventId') add(field, item[field]);
        }
      }
    }
    for (const role of ALL_ROLES) add('roles:role', role);
    for (const token of victimRefreshTokens) add('refreshToken', token);
    for (const id of seededEventIds) add('eventId', id);
    for (const id of seededViewerIds) add('userId', id);
    return known;
  }

  const seededEventIds: string[] = [];
  const seededViewerIds: string[] = [];
  function withFreshEventIds(example: any): any {
    const fresh = (event: any) => {
      if (!event || typeof event !== 'object' || typeof event.eventId !== 'string') return event;
      const eventId = randomUUID();
      seededEventIds.push(eventId);
      if (typeof event.userId === 'string') seededViewerIds.push(event.userId);
      return { ...event, eventId, occurredAt: new Date(Date.now() - 60_000).toISOString() };
    };
    if (Array.isArray(example?.events)) return { ...example, events: example.events.map(fresh) };
    return fresh(example);
  }

  function isGenuine(credential: string): boolean {
    return credential !== 'none' && credential !== 'forged' && credential !== 'metrics';
  }

  function allows(opKey: string, credential: string): boolean {
    const op = operations.find((o) => o.key === opKey);
    if (!op) return false;
    return credential === 'api-key' ? op.security.includes('api-key') && op.roles.includes('ingest') : op.roles.includes(credential);
  }

  /** Whether a credential still authenticates: any operation it may call, answered other than 401. */
  async function stillValid(credential: string): Promise<boolean> {
    const probe = credential === 'api-key' ? `/api/v1/events/${randomUUID()}` : '/api/v1/pipeline/tasks';
    const res = await call('GET', probe, credential);
    return res.status !== 401;
  }

  function seedFor(label: string, wave: number): number {
    return createHash('sha256').update(`${SEED}:${label}:${wave}`).digest().readInt32LE(0);
  }

  function buildReport(input: { outcomes: Outcome[]; healthRecord: HealthRecord; verify: { status: number; text: string }; reminted: string[]; seconds: number; stoppedEarly: boolean }) {
    const { outcomes, healthRecord, verify, reminted, seconds, stoppedEarly } = input;
    const startedAt = outcomes.reduce((min, o) => Math.min(min, o.at), Infinity);
    const problems: string[] = [];
    const lines: string[] = [];
    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    lines.push(`API fuzz: seed ${SEED} (FUZZ_SEED), ${outcomes.length} requests over ${operations.length} operations in ${seconds.toFixed(1)} s, ${CONCURRENCY} in flight`);
    lines.push(`status distribution: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}`);
    const modes = new Map<string, number>();
    for (const o of outcomes) modes.set(o.request.mode, (modes.get(o.request.mode) ?? 0) + 1);
    lines.push(`modes: ${[...modes].map(([m, n]) => `${m}×${n}`).join(', ')}`);

    if (outcomes.length < REQUESTS) problems.push(`only ${outcomes.length} of ${REQUESTS} requests sent${stoppedEarly ? ` (stopped at the ${MAX_SECONDS} s budget)` : ''}`);

    // 5xx and no-answer, grouped by operation + status + first words of the error.
    // Grouped by the request's main hostile family too: one operation can fail for several causes.
    const failures = group(outcomes.filter((o) => o.status >= 500 || o.status === 0), (o) => `${o.request.op} → ${o.status || 'no answer'} ${firstMessage(o.detail)} (${mainFamily(o.request)})`);
    for (const [key, list] of failures) problems.push(`${key} ×${list.length} [${families(list)}] e.g. ${example(list)}`);

    const slow = group(outcomes.filter((o) => o.ms > SLOW_MS && o.status !== 0), (o) => `${o.request.op} → ${o.status} slower than ${SLOW_MS} ms`);
    for (const [key, list] of slow) {
      const worst = list.reduce((a, b) => (b.ms > a.ms ? b : a));
      problems.push(`${key} ×${list.length} (max ${Math.round(worst.ms)} ms, sent at +${((worst.at - startedAt) / 1000).toFixed(1)} s) [${families(list)}] e.g. ${example(list)}`);
    }

    const throttled = byStatus.get(429) ?? 0;
    if (throttled > outcomes.length * 0.02) problems.push(`${throttled} of ${outcomes.length} requests answered 429: the fuzz mostly measured the throttler`);

    // Every operation must be reached past the guards at least once, or its handler went unfuzzed.
    const reached = new Set(outcomes.filter((o) => ![401, 403, 429, 0].includes(o.status)).map((o) => o.request.op));
    const unreached = operations.filter((op) => !reached.has(op.key)).map((op) => op.key);
    if (unreached.length) problems.push(`never got past authentication/authorisation: ${unreached.join(', ')}`);

    lines.push(`/health/live: ${healthRecord.polls} polls, slowest ${Math.round(healthRecord.slowestMs)} ms, longest gap without a 200 ${Math.round(healthRecord.longestGapMs)} ms`);
    // What was in flight when /health/live stalled longest: the likeliest culprits.
    const gapStart = healthRecord.longestGapEnd - healthRecord.longestGapMs;
    const inFlight = outcomes.filter((o) => o.at <= gapStart + 100 && o.at + o.ms >= gapStart);
    if (inFlight.length && healthRecord.longestGapMs > SLOW_MS / 2) {
      const culprits = [...group(inFlight, (o) => o.request.op)].sort((a, b) => b[1].length - a[1].length).slice(0, 12);
      lines.push(`in flight when that gap began (+${((gapStart - startedAt) / 1000).toFixed(1)} s): ${culprits.map(([op, l]) => `${op}×${l.length}`).join(', ')}`);
    }
    if (healthRecord.failures.length) problems.push(`/health/live failed ${healthRecord.failures.length}× (first: ${healthRecord.failures.slice(0, 3).join(' | ')})`);
    if (healthRecord.longestGapMs > SLOW_MS + 200) problems.push(`/health/live went ${Math.round(healthRecord.longestGapMs)} ms without a 200 (event loop blocked?)`);

    let verdict: any;
    try {
      verdict = JSON.parse(verify.text);
    } catch {
      verdict = verify.text;
    }
    lines.push(`audit verify: ${verify.status} ${JSON.stringify(verdict)}`);
    if (verify.status !== 200 || verdict?.valid !== true) problems.push(`audit chain not verified valid after the fuzz: ${verify.status} ${JSON.stringify(verdict)}`);

    const retried = outcomes.filter((o) => o.retried).length;
    if (retried) lines.push(`sent again after a reset keep-alive connection: ${retried}`);
    if (reminted.length) lines.push(`credentials revoked by the fuzz and re-minted: ${reminted.join(', ')}`);
    const perOp = group(outcomes, (o) => o.request.op);
    lines.push('per operation (status×count):');
    for (const [op, list] of [...perOp].sort()) {
      const counts = new Map<number, number>();
      for (const o of list) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
      lines.push(`  ${op}: ${[...counts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    }
    if (process.env.FUZZ_VERBOSE) {
      // Why schema-valid requests were refused: shows where the generators miss the API's real rules.
      lines.push('valid-mode 4xx (except 401/403/404/409), top messages per operation:');
      const refused = group(outcomes.filter((o) => o.request.mode === 'valid' && o.status >= 400 && ![401, 403, 404, 409].includes(o.status)), (o) => o.request.op);
      for (const [op, list] of refused) {
        const messages = group(list, (o) => `${o.status} ${firstMessage(o.detail)}`);
        lines.push(`  ${op}: ${[...messages].sort((a, b) => b[1].length - a[1].length).slice(0, 3).map(([m, l]) => `${l.length}× ${m}`).join(' | ')}`);
      }
    }
    if (problems.length) {
      lines.push(`PROBLEMS (rerun with FUZZ_SEED=${SEED}; FUZZ_OPS='<regex>' narrows to one operation):`);
      for (const p of problems) lines.push(`  - ${p}`);
    }
    return { problems, text: lines.join('\n') };
  }
});

function group<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return groups;
}

function firstMessage(detail: string | undefined): string {
  if (!detail) return '';
  try {
    const body = JSON.parse(detail);
    return String(body.message ?? body.error ?? detail).slice(0, 120);
  } catch {
    return detail.slice(0, 120);
  }
}

/** What kinds of hostile input the failing requests carried (read off the request text). */
function families(list: Outcome[]): string {
  const found = new Map<string, number>();
  for (const o of list) for (const f of familiesOf(o.request)) found.set(f, (found.get(f) ?? 0) + 1);
  return [...found].map(([f, n]) => `${f}:${n}`).join(' ') || 'schema-valid';
}

/** The family most likely to have caused a failure, when a request carries several. */
const FAMILY_PRIORITY = ['deep-nesting', 'lone-surrogate', 'nul', 'cel-bomb', 'regex-bomb', 'prototype-key', 'raw-number', 'sql', 'over-long', 'wrong-content-type'];

function mainFamily(r: FuzzRequest): string {
  const found = familiesOf(r);
  return FAMILY_PRIORITY.find((f) => found.includes(f)) ?? 'schema-valid';
}

function familiesOf(r: FuzzRequest): string[] {
  const text = `${r.url} ${r.body ?? ''} ${Object.values(r.headers).join(' ')}`;
  const out: string[] = [];
  if (/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}|%ED%[AB]/i.test(text)) out.push('lone-surrogate');
  if (/\\u0000|%00/.test(text)) out.push('nul');
  if (/(\[{1000}|(\{"a":){1000})/.test(text)) out.push('deep-nesting');
  if (/matches\(|\.map\(|\.all\(|\({500}/.test(text)) out.push('cel-bomb');
  if (/\(a\+\)\+|\(a\|aa\)\+|\(\.\*a\)/.test(decodeSafe(text))) out.push('regex-bomb');
  if (/pg_sleep|UNION SELECT|DROP TABLE|' OR '1'='1/i.test(decodeSafe(text))) out.push('sql');
  if (/"(__proto__|constructor|prototype|toString|valueOf|hasOwnProperty)"/.test(text) || /(^|[?&])(__proto__|constructor|toString)=/.test(r.url)) out.push('prototype-key');
  if (/1e999|123456789012345678901234567890/.test(text)) out.push('raw-number');
  if (text.length > 100_000) out.push('over-long');
  if (r.headers['content-type'] && !r.headers['content-type'].startsWith('application/json')) out.push('wrong-content-type');
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The shortest failing request of a group, as something to paste into curl. */
function example(list: Outcome[]): string {
  const o = [...list].sort((a, b) => (a.request.body?.length ?? 0) + a.request.url.length - ((b.request.body?.length ?? 0) + b.request.url.length))[0];
  const body = o.request.body === undefined ? '' : ` body(${o.request.body.length} chars)=${abbreviate(o.request.body)}`;
  const type = o.request.headers['content-type'] ? ` content-type=${o.request.headers['content-type']}` : '';
  return `${o.request.method} ${abbreviate(o.request.url)} as ${o.request.credential}${type}${body} → ${o.status} ${abbreviate(o.detail ?? '', 200)}`;
}

function abbreviate(text: string, max = 400): string {
  const compact = text.replace(/(\[){20,}|(\]){20,}|(\{"a":){20,}|(\}){20,}|(x){50,}/g, (m) => `${m.slice(0, m.length > 100 ? 5 : 1)}…(${m.length} chars)…`);
  return compact.length > max ? `${compact.slice(0, max)}…` : compact;
}


/** The event types the document's event schemas allow (rule triggers are event types). */
function eventTypesOf(doc: OpenApiDoc): string[] {
  const types = new Set<string>();
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    if (!/Event$/.test(name)) continue;
    for (const value of schema.properties?.type?.enum ?? []) types.add(value);
  }
  return [...types];
}

