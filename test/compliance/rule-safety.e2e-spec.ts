import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ComplianceStage } from '../../src/compliance/compliance.stage';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import { complianceFindings, seedBatch, Sequence, viewerId } from './compliance-support';

const HOUR = 3_600_000;
const TIME_BUDGET_MS = 1500;
const RULE_BUDGET_MS = 5;

/** A playback rule with the given condition (ids unique per test run). */
function draft(id: string, condition: string) {
  return {
    id: `${id}-${Math.random().toString(36).slice(2, 8)}`,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(b)(1)',
    severity: 'low',
    title: 'Hostile test rule',
    description: 'Test rule: an expression written to cost as much as the bounds let it.',
    remediation: 'Nothing to do: this rule exists for a test.',
    triggers: ['playback.started'],
    condition,
  };
}

// The regular-expression bomb: seconds of backtracking on JavaScript's RegExp, nothing on RE2.
const REGEX_BOMB = '"aaaaaaaaaaaaaaaaaaaaaaaaaaaa!".matches("^(a+)+$")';
// The 1000 × 1000 comprehension.
const THOUSAND = 'a'.repeat(1000);
const NESTED_MAP = `"${THOUSAND}".split("").map(x, "${THOUSAND}".split("").map(y, x + y)).size() > 0`;
// Within every save-time bound, yet as costly as they allow (about a millisecond: 200 texts of 3,000
// characters built and matched). Over thousands of stored events its back-test runs into the time
// budget. Always true, so each evaluation it makes in the stage is a finding.
const HALF = 'a'.repeat(1500);
const LIST = `[${Array.from({ length: 200 }, (_, i) => i).join(',')}]`;
const COSTLY_PART = `${LIST}.map(x, "${HALF}" + string(x) + "${HALF}").filter(s, s.matches("b+c")).size() > 0`;
const COSTLY = `${COSTLY_PART} || data.contentId != ""`;
/** The costly rule with the most severity overrides allowed, each as costly: a finding costs ~10 ms. */
const COSTLIER_OVERRIDES = Array.from({ length: 8 }, () => ({ when: COSTLY_PART, severity: 'high' }));

describe('rules never stall a process', () => {
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let analyst: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    // 'all': the back-test worker runs in this process too, so a blocked event loop would show in /health/live.
    t = await bootTestApp({
      APP_ROLE: 'all',
      BACKTEST_TIME_BUDGET_MS: String(TIME_BUDGET_MS),
      RULE_BUDGET_MS_PER_BATCH: String(RULE_BUDGET_MS),
    });
    ds = t.app.get(DataSource);
    [officer, analyst] = await Promise.all([
      tokenFor(t.app, [Role.ComplianceOfficer]),
      tokenFor(t.app, [Role.Analyst]),
    ]);
  });
  /** Rules this file enabled: disabled again at the end, so other tests' events never meet them. */
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) {
      await request(t.http).post(`/api/v1/compliance/rules/${id}/disable`).set(auth(officer)).expect(200);
    }
    await t.close();
  });

  /** Playback events stored as reception leaves them (a batch already done: no worker takes it). */
  async function storePlaybacks(count: number, start: Date): Promise<Sequence> {
    const s = new Sequence(viewerId('hostile'), start, { country: 'DE' });
    for (let i = 0; i < count; i++) s.add('playback.started', undefined, {}, 500);
    for (const e of s.events) e.data = { ...e.data, contentId: `c-${e.eventId.slice(0, 8)}` };
    await seedBatch(ds, s.events);
    return s;
  }

  async function finishedRun(token: string, body: object) {
    const queued = await request(t.http)
      .post('/api/v1/compliance/rules/backtest')
      .set(auth(token))
      .send(body)
      .expect(202);
    return waitFor(
      async () =>
        (await request(t.http).get(`/api/v1/compliance/rules/backtest/${queued.body.runId}`).set(auth(token)).expect(200))
          .body,
      (run) => run.state === 'succeeded' || run.state === 'failed',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  it('hostile drafts and a hostile back-test leave /health/live answering (p99 < 100 ms), each ending clearly', async () => {
    // 20,000 events, half a second apart (about 3 h), 300 days ago: a window no other test reads.
    const start = new Date(Date.now() - 300 * 24 * HOUR);
    await storePlaybacks(20_000, start);
    const range = { from: start.toISOString(), to: new Date(start.getTime() + 4 * HOUR).toISOString() };
    // The first ten minutes (1,200 events), for the runs that are to finish well within the budget.
    const short = { from: range.from, to: new Date(start.getTime() + HOUR / 6).toISOString() };

    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const sent = performance.now();
        await request(t.http).get('/health/live').expect(200);
        const took = performance.now() - sent;
        latencies.push(took);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - took)));
      }
    })();

    try {
      // The regular-expression bomb runs on RE2: saved, and back-tested to the end at once.
      const saved = draft('T-REGEX', REGEX_BOMB);
      await request(t.http).post('/api/v1/compliance/rules').set(auth(officer)).send(saved).expect(201);
      created.push(saved.id);
      const regex = await finishedRun(analyst, { draft: draft('T-REGEX', REGEX_BOMB), ...short });
      expect(regex).toMatchObject({ state: 'succeeded', error: null });
      expect(regex.result.draft.total).toBe(0);
      expect(regex.result.eventsReplayed).toBeGreaterThanOrEqual(1000);

      // The 1000 × 1000 comprehension is refused where it arrives, naming the field and the bounds.
      for (const [path, body, field] of [
        ['/api/v1/compliance/rules', draft('T-NESTED', NESTED_MAP), 'condition'],
        ['/api/v1/compliance/rules/backtest', { draft: draft('T-NESTED', NESTED_MAP), ...range }, 'draft.condition'],
      ] as const) {
        const refused = await request(t.http).post(path).set(auth(officer)).send(body).expect(400);
        expect(refused.body.details).toEqual([
          { field, problems: [expect.stringMatching(/^split\(\) is not available in rules/)] },
          { field, problems: [expect.stringMatching(/nests 2 comprehensions .* at most 1$/)] },
        ]);
      }

      // What the bounds let through runs into the back-test's time budget over 20,000 events (about 0.3 ms
      // each: 6 s): a failed run, with a clear error.
      const costly = await finishedRun(analyst, { draft: draft('T-COSTLY', COSTLY), ...range });
      expect(costly).toMatchObject({
        state: 'failed',
        result: null,
        error: `backtest exceeded its time budget of ${TIME_BUDGET_MS} ms`,
      });
      const [finished] = await ds.query(
        `SELECT details FROM audit_log WHERE action = 'compliance.rule.backtest_finished' AND details->>'runId' = $1`,
        [costly.runId],
      );
      expect(finished.details).toMatchObject({ state: 'failed', error: costly.error });
    } finally {
      polling = false;
      await poller;
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    // Polled throughout (every 50 ms over the three runs and the refusals).
    expect(latencies.length).toBeGreaterThanOrEqual(20);
    expect(p99).toBeLessThan(100);
  });

  it('refuses at save a pattern RE2 cannot run, and a parameter typed as an Object.prototype member, naming the field', async () => {
    const lookahead = await request(t.http)
      .post('/api/v1/compliance/rules')
      .set(auth(officer))
      .send(draft('T-LOOKAHEAD', 'data.contentId.matches("^(?=c-)c")'))
      .expect(400);
    expect(lookahead.body.details).toEqual([
      { field: 'condition', problems: [expect.stringMatching(/^matches\(\): invalid regular expression .*RE2/)] },
    ]);
    for (const type of ['constructor', 'toString']) {
      const typed = await request(t.http)
        .post('/api/v1/compliance/rules')
        .set(auth(officer))
        .send({ ...draft('T-PARAM', 'true'), parameters: { limit: { type, default: 1, description: 'A limit.' } } })
        .expect(400);
      expect(typed.body.details).toEqual([
        { field: 'parameters.limit', problems: ['type must be number, boolean, string, list or map'] },
      ]);
    }
  });

  it('skips a rule over its evaluation budget for the rest of the batch, with a finding naming it; the batch completes', async () => {
    const rule = { ...draft('T-BUDGET', COSTLY), findingSeverityOverride: COSTLIER_OVERRIDES };
    await request(t.http).post('/api/v1/compliance/rules').set(auth(officer)).send(rule).expect(201);
    created.push(rule.id);
    const s = await storePlaybacks(5, new Date(Date.now() - HOUR));
    const batchId = (
      await ds.query(`SELECT batch_id FROM event_receipts WHERE event_id = $1`, [s.events[0].eventId])
    )[0].batch_id;
    const counted = async () =>
      (await register.getSingleMetric('ott_rule_budget_exceeded_total')!.get()).values.find(
        (v) => v.labels.rule === rule.id,
      )?.value ?? 0;
    const before = await counted();

    const outcome = await t.app.get(ComplianceStage).apply(batchId);
    expect(outcome).toMatchObject({ applied: true, events: 5 });

    // One evaluation (condition, then the finding's overrides) spends more than 5 ms: it is judged on the
    // first event only.
    const findings = (await complianceFindings(ds, s.userId)).filter((f) => f.rule_id === rule.id);
    expect(findings.map((f) => f.event_id)).toEqual([s.events[0].eventId]);
    const health = await request(t.http)
      .get(`/api/v1/compliance/rules/${rule.id}/health`)
      .set(auth(analyst))
      .expect(200);
    expect(health.body).toEqual({
      ruleId: rule.id,
      items: [
        {
          kind: 'budget_exceeded',
          source: 'compliance',
          ruleVersion: 1,
          batchId,
          spentMs: expect.any(Number),
          budgetMs: RULE_BUDGET_MS,
          evaluations: 1,
          skipped: 4,
          occurredAt: expect.any(String),
        },
      ],
    });
    expect(health.body.items[0].spentMs).toBeGreaterThan(RULE_BUDGET_MS);
    expect(await counted()).toBe(before + 1);

    // Not a failure: the batch is applied once, a second run records nothing more.
    expect(await t.app.get(ComplianceStage).apply(batchId)).toMatchObject({ applied: false });
    const again = await request(t.http).get(`/api/v1/compliance/rules/${rule.id}/health`).set(auth(analyst)).expect(200);
    expect(again.body.items).toHaveLength(1);
    await request(t.http).get('/api/v1/compliance/rules/NO-SUCH-RULE/health').set(auth(analyst)).expect(404);
  });
});

describe('back-tests waiting for a worker', () => {
  let t: TestApp;

  // 'api': no worker here, so runs stay queued.
  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('lets one person have at most 3 unfinished back-tests (429 after), others are not held back', async () => {
    const [analyst, other] = await Promise.all([tokenFor(t.app, [Role.Analyst]), tokenFor(t.app, [Role.Analyst])]);
    const body = {
      draft: draft('T-QUEUE', 'data.contentId == "x"'),
      from: new Date(Date.now() - HOUR).toISOString(),
      to: new Date().toISOString(),
    };
    const post = (token: string) =>
      request(t.http).post('/api/v1/compliance/rules/backtest').set('Authorization', `Bearer ${token}`).send(body);
    for (let i = 0; i < 3; i++) expect((await post(analyst).expect(202)).body.state).toBe('queued');
    const refused = await post(analyst).expect(429);
    expect(refused.body.message).toBe('you have 3 back-tests queued or running; wait for one to finish');
    await post(other).expect(202);
  });
});
