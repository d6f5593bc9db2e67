import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { REDIS } from '../../src/database/redis.module';
import { MlStage } from '../../src/ml/stage/ml.stage';
import { RiskFactorStore } from '../../src/ml/state/risk-factor-store';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';
import {
  ingestKey,
  riskRow,
  seedSnapshots,
  sendEvents,
  untilDone,
  viewerEvent,
  viewerId,
} from './ml-support';

describe('ML stage: rolling factors, scoring, models', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;
  let admin: string;
  let analyst: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
    admin = await tokenFor(t.app, [Role.Admin]);
    analyst = await tokenFor(t.app, [Role.Analyst]);
  });
  afterAll(() => t.close());

  const api = (method: 'get' | 'post', path: string, token?: string) => {
    const req = request(t.http)[method](`/api/v1${path}`);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  it('raises a viewer’s factors and risk from events sent through the API, before any model: against the population seen so far', async () => {
    // Before any model, a viewer is judged against the viewers seen so far: first a population of calm
    // ones, with enough events each to be counted.
    const crowd = Array.from({ length: 60 }, (_, v) => viewerId(`crowd-${v}`)).flatMap((id) =>
      Array.from({ length: 10 }, (_, i) =>
        viewerEvent(id, i === 0 ? 'auth.login.succeeded' : 'playback.started', 40 - i, { country: 'DE' }),
      ),
    );
    await sendEvents(t, apiKey, crowd);
    await untilDone(
      ds,
      crowd.map((e) => e.eventId),
    );
    const userId = viewerId('attacked');
    const calm = Array.from({ length: 10 }, (_, i) =>
      viewerEvent(userId, i === 0 ? 'auth.login.succeeded' : 'playback.started', 60 - i, { country: 'DE' }),
    );
    await sendEvents(t, apiKey, calm);
    await untilDone(
      ds,
      calm.map((e) => e.eventId),
    );
    const before = await riskRow(ds, userId);
    expect(before).toMatchObject({
      detector: 'statistical',
      model_version: null,
      risk_tier: 'low',
      behaviour_segment: 'typical',
    });

    // Two dozen failed logins within minutes, then logins from Brazil and back, three minutes apart.
    const attack = [
      ...Array.from({ length: 24 }, (_, i) =>
        viewerEvent(userId, 'auth.login.failed', 25 - i, { country: 'DE' }),
      ),
      viewerEvent(userId, 'auth.login.succeeded', 7, { country: 'DE' }),
      viewerEvent(userId, 'auth.login.succeeded', 4, { country: 'BR' }),
      viewerEvent(userId, 'auth.login.succeeded', 1, { country: 'DE' }),
    ];
    await sendEvents(t, apiKey, attack);
    await untilDone(
      ds,
      attack.map((e) => e.eventId),
    );
    const after = await riskRow(ds, userId);
    expect(after!.factors.authFailures).toBeGreaterThan(18);
    expect(after!.factors.geoMovement).toBeGreaterThan(15);
    expect(after!.factors.details.distinctCountries24h).toBe(2);
    expect(after!.factors.details.fastestTravelKmh).toBeGreaterThan(50_000);
    expect(after!.score).toBeGreaterThan(0.99);
    expect(after!.score).toBeGreaterThan(before!.score);
    // Far out, but scored by the cold-start statistical detector: its confidence caps the tier at high,
    // as it caps the finding, while the score is kept.
    expect(after).toMatchObject({ detector: 'statistical', model_version: null, risk_tier: 'high' });
    // so the analytics top-risk list agrees with the finding and the violation
    const topHigh = (await api('get', '/analytics/viewers/top-risk?tier=high&limit=100', analyst).expect(200))
      .body;
    expect(topHigh.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId, tier: 'high', detector: 'statistical' })]),
    );
    const topCritical = (
      await api('get', '/analytics/viewers/top-risk?tier=critical&limit=100', analyst).expect(200)
    ).body;
    expect(topCritical.items.map((v: { userId: string }) => v.userId)).not.toContain(userId);
    const total = after!.contributions.reduce(
      (sum: number, c: { contribution: number }) => sum + c.contribution,
      0,
    );
    expect(total).toBeCloseTo(after!.score, 7);

    const findings = await ds.query(
      `SELECT rule_id, rule_version, framework, severity, explanation, details, evidence_event_ids::text[] AS evidence FROM findings WHERE user_id = $1 AND kind = 'ml'`,
      [userId],
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule_id: 'ML-ANOMALY',
      rule_version: 'statistical',
      framework: 'ML',
      // the statistical detector's findings are never critical: its population is what it has seen
      severity: 'high',
    });
    expect(findings[0].explanation).toMatch(/failed logins in the last hour/);
    expect(findings[0].explanation).toMatch(/2 countries in 24 h, an implied [\d,]+ km\/h jump/);
    expect(findings[0].details.topFactors.sort()).toEqual(['authFailures', 'geoMovement']);
    expect(findings[0].evidence).toEqual(expect.arrayContaining(attack.map((e) => e.eventId)));
    // and the case it opens keeps that severity: a cold-start risk does not escalate it to critical
    const violations = await waitFor(
      () => ds.query(`SELECT severity FROM violations WHERE user_id = $1 AND kind = 'ml'`, [userId]),
      (rows: { severity: string }[]) => rows.length > 0,
    );
    expect(violations).toEqual([{ severity: 'high' }]);

    // The rolling state lives in Redis, where every worker reads it.
    const [live] = await t.app.get(RiskFactorStore).read([userId]);
    expect(live!.counters.authFailures).toBeCloseTo(after!.factors.authFailures, 6);
    expect(await t.app.get<Redis>(REDIS).exists(`${t.config.queuePrefix}:ml:v:${userId}`)).toBe(1);

    // One snapshot row per viewer per interval, however many batches.
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM user_risk_snapshots WHERE user_id = $1`, [
      userId,
    ]);
    expect(n).toBeLessThanOrEqual(2);
  });

  it('runs a batch twice without counting it twice or writing anything twice', async () => {
    const userId = viewerId('rerun');
    const events = Array.from({ length: 3 }, (_, i) => viewerEvent(userId, 'client.error', 5 - i));
    await sendEvents(t, apiKey, events);
    await untilDone(
      ds,
      events.map((e) => e.eventId),
    );
    const [{ batch_id: batchId }] = await ds.query(
      `SELECT batch_id FROM event_receipts WHERE event_id = $1`,
      [events[0].eventId],
    );
    const before = await riskRow(ds, userId);
    const [{ n: findingsBefore }] = await ds.query(
      `SELECT count(*)::int AS n FROM findings WHERE kind = 'ml'`,
    );
    const outcome = await t.app.get(MlStage).apply(batchId);
    expect(outcome.findings).toBe(0);
    const after = await riskRow(ds, userId);
    expect(after!.factors).toEqual(before!.factors);
    const [{ n: findingsAfter }] = await ds.query(
      `SELECT count(*)::int AS n FROM findings WHERE kind = 'ml'`,
    );
    expect(findingsAfter).toBe(findingsBefore);
  });

  it("shows a viewer's risk to analysts, compliance officers and admins, auditing each read", async () => {
    const userId = viewerId('read');
    const events = [viewerEvent(userId, 'playback.started', 3)];
    await sendEvents(t, apiKey, events);
    await untilDone(
      ds,
      events.map((e) => e.eventId),
    );

    const res = await api('get', `/ml/users/${userId}/risk`, analyst).expect(200);
    expect(res.body).toMatchObject({
      userId,
      detector: 'statistical',
      modelVersion: null,
      tier: 'low',
      behaviourSegment: 'typical',
    });
    expect(Object.keys(res.body.factors)).toEqual([
      'consentChurn',
      'complianceFindings',
      'dataAccess',
      'authFailures',
      'geoMovement',
      'errorRate',
    ]);
    expect(res.body.contributions).toHaveLength(6);
    const audit = await ds.query(
      `SELECT action, target_type, target_id, actor_type FROM audit_log WHERE action = 'ml.viewer.risk.read' AND target_id = $1`,
      [userId],
    );
    expect(audit).toEqual([
      { action: 'ml.viewer.risk.read', target_type: 'viewer', target_id: userId, actor_type: 'user' },
    ]);

    await api('get', `/ml/users/${userId}/risk`, await tokenFor(t.app, [Role.ComplianceOfficer])).expect(200);
    await api('get', `/ml/users/${userId}/risk`, admin).expect(200);
    await api('get', `/ml/users/${userId}/risk`, await tokenFor(t.app, [Role.Auditor])).expect(403);
    await api('get', `/ml/users/${userId}/risk`, await tokenFor(t.app, [Role.Operator])).expect(403);
    await request(t.http).get(`/api/v1/ml/users/${userId}/risk`).set('X-API-Key', apiKey).expect(403);
    await api('get', `/ml/users/${userId}/risk`).expect(401);
    await api('get', '/ml/users/v-never-seen/risk', analyst).expect(404);
    const bad = await api('get', '/ml/users/bad%20id!/risk', analyst).expect(400);
    expect(bad.body.details[0].field).toBe('userId');
  });

  it('refuses bad training requests with 4xx naming the field, and non-admins', async () => {
    const bad = await api('post', '/ml/models/train', admin)
      .send({
        seed: -1,
        windowStart: 'yesterday',
        maxSamples: 10,
        labels: { positive: ['ok', 'not ok!'] },
        surprise: 1,
      })
      .expect(400);
    const fields = bad.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['labels.positive', 'maxSamples', 'seed', 'surprise', 'windowStart']);
    const both = await api('post', '/ml/models/train', admin)
      .send({ labels: { positive: ['v-1'], negative: ['v-1'] } })
      .expect(400);
    expect(both.body.details[0].field).toBe('labels');
    const truth = await api('post', '/ml/models/train', admin)
      .send({ groundTruth: { scenarios: [], cleanViewers: [] } })
      .expect(400);
    expect(truth.body.details[0].field).toBe('groundTruth.scenarios');
    const weights = await api('post', '/ml/models/train', admin)
      .send({ weights: { isolationForest: 0, localOutlierFactor: 0, robustZScore: 0 } })
      .expect(400);
    expect(weights.body.details[0].field).toBe('weights');
    const empty = await api('post', '/ml/models/train', admin)
      .send({ windowStart: '2001-01-01T00:00:00Z', windowEnd: '2001-01-02T00:00:00Z' })
      .expect(422);
    expect(empty.body.details[0].field).toBe('windowStart');
    // the held-out window of an out-of-sample evaluation must lie outside the training window
    const overlapping = await api('post', '/ml/models/train', admin)
      .send({
        windowStart: '2026-03-01T00:00:00Z',
        windowEnd: '2026-03-03T00:00:00Z',
        holdOut: {
          windowStart: '2026-03-02T00:00:00Z',
          windowEnd: '2026-03-04T00:00:00Z',
          labels: { positive: ['v-1'] },
        },
      })
      .expect(422);
    expect(overlapping.body.details[0].field).toBe('holdOut.windowStart');
    const badHoldOut = await api('post', '/ml/models/train', admin)
      .send({ holdOut: { windowStart: 'later', groundTruth: { scenarios: {}, cleanViewers: 'v-1' } } })
      .expect(400);
    expect(badHoldOut.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'holdOut.windowEnd',
      'holdOut.windowStart',
    ]);
    await api('post', '/ml/models/train', analyst).send({}).expect(403);
    await api('post', '/ml/models/1/activate', analyst).expect(403);
    await api('post', '/ml/models/999/activate', admin).expect(404);
    await api('post', '/ml/models/zero/activate', admin).expect(400);
    await api('get', '/ml/models/abc', analyst).expect(400);
  });

  it('trains a model from snapshots as a queued job, evaluates it on labels, and hot-swaps it into the running pipeline', async () => {
    const labels = await seedSnapshots(ds, 1500, 7);
    // Feedback (a case officer's false positive on an anomaly violation lands here): used to evaluate the
    // model and, for training, accepted as normal.
    await ds.query(
      `INSERT INTO ml_labels (user_id, label, source) VALUES ($1, 'false_positive', 'feedback')`,
      [labels.negative[0]],
    );
    // Another run two days earlier, other viewers: the held-out window of the out-of-sample evaluation.
    const heldOut = await seedSnapshots(ds, 400, 11, 48);
    const windowEnd = new Date(Date.now() + 60_000).toISOString();
    const windowStart = new Date(Date.now() - 24 * 3_600_000).toISOString();
    const holdOut = {
      windowStart: new Date(Date.now() - 72 * 3_600_000).toISOString(),
      windowEnd: windowStart,
      labels: heldOut,
    };
    const queued = await api('post', '/ml/models/train', admin)
      .send({ seed: 5, windowStart, windowEnd, labels, holdOut })
      .expect(202);
    expect(queued.body).toMatchObject({
      status: 'queued',
      request: {
        seed: 5,
        labels: { positive: labels.positive.length, negative: labels.negative.length },
        holdOut: {
          windowStart: holdOut.windowStart,
          labels: { positive: heldOut.positive.length, negative: heldOut.negative.length },
        },
      },
    });

    const run = await waitFor(
      async () => (await api('get', `/ml/training-runs/${queued.body.id}`, analyst).expect(200)).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      { timeoutMs: 60_000 },
    );
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    const v1 = run.modelVersion;

    const model = (await api('get', `/ml/models/${v1}`, analyst).expect(200)).body;
    expect(model).toMatchObject({
      version: v1,
      active: false,
      parameters: { seed: 5, featureTransform: 'log1p-counts/v1' },
    });
    expect(model.sampleSize).toBeGreaterThanOrEqual(1500);
    const scorers = model.metrics.evaluation.scorers;
    expect(Object.keys(scorers).sort()).toEqual([
      'ensemble',
      'isolationForest',
      'localOutlierFactor',
      'robustZScore',
      'statistical',
    ]);
    expect(scorers.ensemble.rocAuc).toBeGreaterThan(0.9);
    expect(scorers.ensemble).toEqual(
      expect.objectContaining({
        averagePrecision: expect.any(Number),
        precision: expect.any(Number),
        recall: expect.any(Number),
      }),
    );
    expect(model.metrics.evaluation.labelSources).toEqual({
      request: labels.positive.length + labels.negative.length,
      feedback: 1,
    });
    expect(model.metrics.training.acceptedNormalRows).toBe(1);
    // The out-of-sample evaluation is stored with the model: other viewers, a window it was not trained on.
    expect(model.sampleSize).toBeLessThan(1500 + 400);
    expect(model.metrics.outOfSample).toMatchObject({
      windowStart: holdOut.windowStart,
      windowEnd: holdOut.windowEnd,
      viewers: { positive: heldOut.positive.length, negative: heldOut.negative.length, withoutSnapshots: 0 },
    });
    expect(model.metrics.outOfSample.scorers.ensemble.rocAuc).toBeGreaterThan(0.9);
    expect(model.metrics.outOfSample.scorers.ensemble.averagePrecision).toEqual(expect.any(Number));
    expect(model.parameters.acceptedNormalRows).toBe(1);
    expect(model.artifact).toBeUndefined();
    const list = (await api('get', '/ml/models', analyst).expect(200)).body;
    expect(list.items.map((m: { version: number }) => m.version)).toContain(v1);

    // Traffic keeps flowing while the model is activated: the pipeline is not restarted.
    const userId = viewerId('swap');
    const sent: string[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let i = 0; sending; i++) {
        const event = viewerEvent(userId, i % 3 === 0 ? 'auth.login.failed' : 'playback.started', 0.01);
        sent.push(event.eventId);
        await sendEvents(t, apiKey, [event]);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await waitFor(
      () => riskRow(ds, userId),
      (row) => row?.detector === 'statistical',
    );

    const activated = await api('post', `/ml/models/${v1}/activate`, admin).expect(200);
    expect(activated.body).toMatchObject({ version: v1, active: true, previousVersion: null });
    const swapped = await waitFor(
      () => riskRow(ds, userId),
      (row) => row?.model_version === v1,
    );
    expect(swapped?.detector).toBe('ensemble');
    sending = false;
    await traffic;
    await untilDone(ds, sent);
    // Only this test's batches: other files leave dead batches of their own in the shared database.
    const [{ dead }] = await ds.query(
      `SELECT count(*)::int AS dead FROM pipeline_batches b
        WHERE b.status = 'dead' AND b.batch_id IN (SELECT batch_id FROM event_receipts WHERE event_id = ANY($1::uuid[]))`,
      [sent],
    );
    expect(dead).toBe(0);

    const audit = await ds.query(
      `SELECT action, target_id, details FROM audit_log WHERE action = 'ml.model.activated'`,
    );
    expect(audit).toEqual([
      {
        action: 'ml.model.activated',
        target_id: String(v1),
        details: { previousVersion: null, unchanged: false },
      },
    ]);
    const [{ active }] = await ds.query(`SELECT array_agg(version) AS active FROM ml_models WHERE active`);
    expect(active).toEqual([v1]);

    // A second model, then the switch between models: later events are scored by v2.
    const second = await api('post', '/ml/models/train', admin)
      .send({ seed: 6, windowEnd: new Date(Date.now() + 60_000).toISOString(), treeCount: 50 })
      .expect(202);
    const run2 = await waitFor(
      async () => (await api('get', `/ml/training-runs/${second.body.id}`, admin).expect(200)).body,
      (r) => r.status === 'succeeded' || r.status === 'failed',
      { timeoutMs: 60_000 },
    );
    const v2 = run2.modelVersion;
    expect(v2).toBe(v1 + 1);
    await api('post', `/ml/models/${v2}/activate`, admin).expect(200);
    const later = [viewerEvent(userId, 'auth.login.failed', 0.005)];
    await sendEvents(t, apiKey, later);
    await untilDone(
      ds,
      later.map((e) => e.eventId),
    );
    expect(await riskRow(ds, userId)).toMatchObject({ model_version: v2, detector: 'ensemble' });
    const [{ versions }] = await ds.query(
      `SELECT array_agg(version ORDER BY version) AS versions FROM ml_models WHERE active`,
    );
    expect(versions).toEqual([v2]);

    const insights = (await api('get', '/ml/insights', analyst).expect(200)).body;
    expect(insights.scoreHistogram).toHaveLength(20);
    expect(insights.viewers).toBeGreaterThan(0);
    expect(insights.scoredBy).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: 'ensemble', modelVersion: v2 })]),
    );
    expect(insights.drift.modelVersion).toBe(v2);
    expect(insights.drift.factors.map((f: { factor: string }) => f.factor)).toEqual([
      'consentChurn',
      'complianceFindings',
      'dataAccess',
      'authFailures',
      'geoMovement',
      'errorRate',
    ]);
    expect(Object.keys(insights.tiers)).toEqual(['low', 'medium', 'high', 'critical']);
    await api('get', '/ml/insights', await tokenFor(t.app, [Role.Operator])).expect(403);
  });
});
