import { createServer } from 'node:net';
import Redis from 'ioredis';
import { register } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { QueueDepths } from '../../src/pipeline/queue-depths.service';
import { AnalyticsService } from '../../src/analytics/analytics.service';
import { resolveRange } from '../../src/analytics/domain/time-range';
import { RollupQueries } from '../../src/analytics/persistence/rollup-queries';
import { RollupMaintainer } from '../../src/analytics/rollups/rollup-maintainer';
import { ResilientCache } from '../../src/cache/resilient-cache';
import { APP_CONFIG } from '../../src/config/config.module';
import { AuditLog } from '../../src/security/audit/audit-log.service';
import { Role } from '../../src/security/roles';
import { bootTestApp, TEST_REDIS_URL, TestApp } from '../support/test-app';
import { createUser, login, tokenFor } from '../support/users';
import {
  fixtureFolded,
  foldUntil,
  insertFixture,
  MODEL_VERSION,
  PERIOD_QUERY,
  removeFixture,
  V,
  writeRiskStep,
} from './support/analytics-fixture';

describe('analytics: rollups, endpoints, cache', () => {
  let t: TestApp;
  let ds: DataSource;
  let maintainer: RollupMaintainer;
  let queries: RollupQueries;
  let analyst: string;
  let analystId: string;
  let admin: string;
  const baseline = {
    viewers: 0,
    tiers: {} as Record<string, number>,
    histogram: [] as number[],
    models: 0,
    active: null as number | null,
    dead: 0,
  };

  const get = (path: string, token = analyst) =>
    request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    // API only: no scheduler folds behind the tests' back, and no sweeper touches the fixture.
    t = await bootTestApp({ APP_ROLE: 'api' });
    ds = t.app.get(DataSource);
    maintainer = t.app.get(RollupMaintainer, { strict: false });
    queries = t.app.get(RollupQueries, { strict: false });
    await removeFixture(ds, maintainer);

    const user = await createUser(t.app, [Role.Analyst]);
    analystId = user.id;
    analyst = (await login(t.app, user)).accessToken;
    admin = await tokenFor(t.app, [Role.Admin]);

    // What other suites left in the shared database: the fixture's global figures are added to it.
    const ml = await queries.mlInsights({ fromDay: '2005-03-01', toDay: '2005-03-04' }, 0.95);
    baseline.viewers = ml.viewersScored;
    baseline.tiers = ml.tiers;
    baseline.histogram = ml.scoreDistribution.map((b) => b.viewers);
    baseline.models = ml.modelVersions;
    baseline.active = ml.activeModel?.version ?? null;
    baseline.dead = (await queries.batchSummary({ from: new Date(0), to: new Date() })).deadLetters.now;

    await insertFixture(ds, { activeModel: baseline.active === null });
    await foldUntil(ds, maintainer, fixtureFolded);
    for (const step of [1]) {
      await writeRiskStep(ds, step);
      const day = ['2005-03-01', '2005-03-02', '2005-03-03'][step];
      await foldUntil(
        ds,
        maintainer,
        async () =>
          (
            await ds.query(`SELECT 1 FROM rollup_user_risk_daily WHERE user_id = 'ana-u-a' AND day = $1`, [
              day,
            ])
          ).length === 1,
      );
    }
  });

  afterAll(async () => {
    await removeFixture(ds, maintainer);
    await t.close();
  });

  describe('GET /analytics/events', () => {
    it('counts per hour and type over the window', async () => {
      const res = await get(`/analytics/events?${PERIOD_QUERY}&bucket=hour&groupBy=type`).expect(200);
      expect(res.body).toEqual({
        from: '2005-03-01T00:00:00.000Z',
        to: '2005-03-04T00:00:00.000Z',
        bucket: 'hour',
        groupBy: 'type',
        totalEvents: 9,
        items: [
          { bucket: '2005-03-01T10:00:00.000Z', key: 'auth.login.failed', events: 3 },
          { bucket: '2005-03-01T11:00:00.000Z', key: 'playback.started', events: 3 },
          { bucket: '2005-03-02T09:00:00.000Z', key: 'playback.started', events: 1 },
          { bucket: '2005-03-03T23:00:00.000Z', key: 'consent.granted', events: 2 },
        ],
        page: { limit: 200, offset: 0, total: 4 },
      });
    });

    it('counts per day and country, paged, and filtered by type', async () => {
      const page = await get(
        `/analytics/events?${PERIOD_QUERY}&bucket=day&groupBy=country&limit=2&offset=2`,
      ).expect(200);
      expect(page.body.items).toEqual([
        { bucket: '2005-03-02T00:00:00.000Z', key: '--', events: 1 },
        { bucket: '2005-03-03T00:00:00.000Z', key: 'FR', events: 2 },
      ]);
      expect(page.body.page).toEqual({ limit: 2, offset: 2, total: 4 });
      expect(page.body.totalEvents).toBe(9);
      const first = await get(`/analytics/events?${PERIOD_QUERY}&bucket=day&groupBy=country&limit=2`).expect(
        200,
      );
      expect(first.body.items).toEqual([
        { bucket: '2005-03-01T00:00:00.000Z', key: 'DE', events: 5 },
        { bucket: '2005-03-01T00:00:00.000Z', key: 'FR', events: 1 },
      ]);
      const playback = await get(
        `/analytics/events?${PERIOD_QUERY}&bucket=day&groupBy=country&type=playback.started`,
      ).expect(200);
      expect(playback.body.items).toEqual([
        { bucket: '2005-03-01T00:00:00.000Z', key: 'DE', events: 3 },
        { bucket: '2005-03-02T00:00:00.000Z', key: '--', events: 1 },
      ]);
      expect(playback.body.totalEvents).toBe(4);
    });
  });

  it('GET /analytics/violations/trends: opened by first_seen day, resolved by resolved_at day', async () => {
    const res = await get(`/analytics/violations/trends?${PERIOD_QUERY}`).expect(200);
    const mine = res.body.items.filter((i: { framework: string }) => i.framework.startsWith('T-'));
    expect(mine).toEqual([
      { day: '2005-03-01', framework: 'T-GDPR', severity: 'medium', opened: 1, resolved: 0 },
      { day: '2005-03-01', framework: 'T-GDPR', severity: 'critical', opened: 1, resolved: 0 },
      { day: '2005-03-02', framework: 'T-CCPA', severity: 'low', opened: 1, resolved: 1 },
      { day: '2005-03-02', framework: 'T-GDPR', severity: 'low', opened: 1, resolved: 0 },
      { day: '2005-03-02', framework: 'T-GDPR', severity: 'medium', opened: 0, resolved: 1 },
      { day: '2005-03-03', framework: 'T-GDPR', severity: 'medium', opened: 0, resolved: 1 },
    ]);
    expect(res.body.totals).toEqual({ opened: 4, resolved: 3 });
    const gdprMedium = await get(
      `/analytics/violations/trends?${PERIOD_QUERY}&framework=T-GDPR&severity=medium&limit=1&offset=1`,
    ).expect(200);
    expect(gdprMedium.body.items).toEqual([
      { day: '2005-03-02', framework: 'T-GDPR', severity: 'medium', opened: 0, resolved: 1 },
    ]);
    expect(gdprMedium.body.page.total).toBe(3);
  });

  it('GET /analytics/compliance/posture: share of active viewers with no open case, case age, trend (hand-computed)', async () => {
    const res = await get(`/analytics/compliance/posture?${PERIOD_QUERY}`).expect(200);
    const byName = Object.fromEntries(
      res.body.frameworks.map((f: { framework: string }) => [f.framework, f]),
    );
    expect(res.body).toMatchObject({
      fromDay: '2005-03-01',
      toDay: '2005-03-04',
      previous: { fromDay: '2005-02-26', toDay: '2005-03-01' },
    });
    expect(byName['T-GDPR']).toMatchObject({
      current: {
        activeViewers: 4,
        activeViewersWithOpenCase: 1,
        share: 75,
        openCases: 2,
        openCaseAge: { medianDays: 2.2, p90Days: 2.6, oldestDays: 2.7 },
        opened: 3,
        resolved: 2,
        backlogChange: 1,
      },
      previous: {
        activeViewers: 2,
        activeViewersWithOpenCase: 1,
        share: 50,
        openCases: 1,
        openCaseAge: { medianDays: 1.7, p90Days: 1.7, oldestDays: 1.7 },
        opened: 1,
        resolved: 0,
      },
      change: 25,
      open: { low: 1, medium: 0, high: 0, critical: 1 },
      resolved: { low: 0, medium: 2, high: 0, critical: 0 },
      opened: { low: 1, medium: 1, high: 0, critical: 1 },
    });
    expect(byName['T-CCPA']).toMatchObject({
      current: { activeViewers: 4, activeViewersWithOpenCase: 1, share: 75, openCases: 1, opened: 1, resolved: 1 },
      previous: { activeViewers: 2, activeViewersWithOpenCase: 0, share: 100, openCases: 1 },
      change: -25,
    });
    expect(byName['T-CCPA'].current.openCaseAge).toEqual({ medianDays: 11.7, p90Days: 11.7, oldestDays: 11.7 });
    expect(byName['T-ML']).toBeUndefined(); // V7 opens after the window
    // Lowest share first; equal shares by name.
    const names = res.body.frameworks.map((f: { framework: string }) => f.framework);
    expect(names.indexOf('T-CCPA')).toBeLessThan(names.indexOf('T-GDPR'));
    expect(res.body.overall).toEqual({
      current: {
        activeViewers: 4,
        activeViewersWithOpenCase: 2,
        share: 50,
        openCases: 3,
        openCaseAge: { medianDays: 2.7, p90Days: 9.9, oldestDays: 11.7 },
        opened: 4,
        resolved: 3,
        backlogChange: 1,
      },
      previous: {
        activeViewers: 2,
        activeViewersWithOpenCase: 1,
        share: 50,
        openCases: 2,
        openCaseAge: { medianDays: 5.2, p90Days: 8, oldestDays: 8.7 },
        opened: 1,
        resolved: 0,
        backlogChange: 1,
      },
      change: 0,
    });
    expect(res.body.formula).toContain('share = 100 * (A - V) / A');
  });

  it('GET /analytics/compliance/posture: a window with no active viewers has no share, not 0 or 100', async () => {
    // 2005-03-05: no fixture event; V1, V2, V5 still open (V7 not yet).
    const res = await get(`/analytics/compliance/posture?from=2005-03-05T00:00:00Z&to=2005-03-06T00:00:00Z`).expect(200);
    const gdpr = res.body.frameworks.find((f: { framework: string }) => f.framework === 'T-GDPR');
    expect(gdpr.current).toMatchObject({ activeViewers: 0, share: null, openCases: 2 });
    expect(gdpr.change).toBeNull();
  });

  it('GET /analytics/viewers/top-risk: highest score first, paged, by tier', async () => {
    // Other suites may have scored many viewers: page through until the fixture's four are found.
    const mine: { userId: string; score: number; tier: string }[] = [];
    let total = 0;
    for (let offset = 0; mine.length < 4 && offset < 20_000; offset += 500) {
      const res = await get(`/analytics/viewers/top-risk?limit=500&offset=${offset}`).expect(200);
      total = res.body.page.total;
      const scores = res.body.items.map((v: { score: number }) => v.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      mine.push(...res.body.items.filter((v: { userId: string }) => v.userId.startsWith('ana-')));
      if (res.body.items.length < 500) break;
    }
    // ana-u-a has been scored twice so far (0.6, then 0.9): 0.9 ranks it first of the four
    expect(mine.map((v) => [v.userId, v.score, v.tier])).toEqual([
      ['ana-u-a', 0.9, 'critical'],
      ['ana-u-b', 0.85, 'high'],
      ['ana-u-c', 0.45, 'medium'],
      ['ana-u-d', 0.12, 'low'],
    ]);
    expect(mine[0]).toMatchObject({
      segment: 'account_takeover',
      topFactors: [
        { factor: 'authFailures', share: 0.7 },
        { factor: 'geoMovement', share: 0.3 },
      ],
    });
    expect(total).toBe(baseline.viewers + 4);
    const page = await get('/analytics/viewers/top-risk?limit=1&offset=1').expect(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.page).toEqual({ limit: 1, offset: 1, total: baseline.viewers + 4 });
    const high = await get('/analytics/viewers/top-risk?tier=high&limit=500').expect(200);
    expect(high.body.items.map((v: { userId: string }) => v.userId)).toContain('ana-u-b');
    expect(high.body.items.every((v: { tier: string }) => v.tier === 'high')).toBe(true);
  });

  it('GET /analytics/viewers/:userId/risk-history: daily highest and last score; every read audited', async () => {
    const before = await auditCount();
    const res = await get(`/analytics/viewers/ana-u-a/risk-history?${PERIOD_QUERY}`).expect(200);
    expect(res.body).toEqual({
      userId: 'ana-u-a',
      fromDay: '2005-03-01',
      toDay: '2005-03-04',
      days: [
        { day: '2005-03-01', maxScore: 0.8, lastScore: 0.6 },
        { day: '2005-03-02', maxScore: 0.9, lastScore: 0.9 },
      ],
      current: { score: 0.9, tier: 'critical', modelVersion: null, scoredAt: expect.any(String) },
    });
    await get(`/analytics/viewers/ana-u-a/risk-history?${PERIOD_QUERY}`).expect(200); // a cached answer is a read too
    expect(await auditCount()).toBe(before + 2);
    const [entry] = await ds.query(
      `SELECT actor_type, actor_id, target_type, details FROM audit_log WHERE action = 'analytics.viewer.read' AND target_id = 'ana-u-a' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry).toMatchObject({
      actor_type: 'user',
      actor_id: analystId,
      target_type: 'viewer',
      details: { view: 'risk-history', fromDay: '2005-03-01' },
    });
    await get('/analytics/viewers/bad%20id/risk-history').expect(400);

    async function auditCount(): Promise<number> {
      const [{ n }] = await ds.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'analytics.viewer.read' AND target_id = 'ana-u-a'`,
      );
      return n;
    }
  });

  it('GET /analytics/ml: score distribution, tiers, active model, flagged viewers per day', async () => {
    const res = await get(`/analytics/ml?${PERIOD_QUERY}`).expect(200);
    const added = [0, 1, 0, 0, 1, 0, 0, 0, 1, 1]; // 0.12, 0.45, 0.85, 0.9
    expect(res.body.scoreDistribution.map((b: { viewers: number }) => b.viewers)).toEqual(
      baseline.histogram.map((n, i) => n + added[i]),
    );
    expect(res.body.scoreDistribution[9]).toMatchObject({ from: 0.9, to: 1 });
    expect(res.body.tiers).toEqual({
      low: (baseline.tiers.low ?? 0) + 1,
      medium: (baseline.tiers.medium ?? 0) + 1,
      high: (baseline.tiers.high ?? 0) + 1,
      critical: (baseline.tiers.critical ?? 0) + 1,
    });
    expect(res.body.modelVersions).toBe(baseline.models + 1);
    expect(res.body.activeModel.version).toBe(baseline.active ?? MODEL_VERSION);
    expect(res.body.alertThreshold).toBe(0.95);
    // 03-01: ana-u-a 0.8; 03-02: ana-u-a 0.9, u-b 0.85, u-c 0.45, u-d 0.12 (mean 0.58); nothing at or above 0.95 yet
    expect(res.body.daily).toEqual([
      { day: '2005-03-01', viewers: 1, flagged: 0, meanMaxScore: 0.8 },
      { day: '2005-03-02', viewers: 4, flagged: 0, meanMaxScore: 0.58 },
    ]);
  });

  it('GET /analytics/pipeline/performance: throughput, stage times, end-to-end latency, dead letters, queue depth', async () => {
    const res = await get(`/analytics/pipeline/performance?${PERIOD_QUERY}`).expect(200);
    expect(res.body.throughput).toEqual({ events: 150, eventsPerSecond: 0.001, peakEventsPerMinute: 100 });
    expect(res.body.stages).toEqual([
      { stage: 'reception', batches: 2, events: 100, meanMs: 20, maxMs: 30, peakEventsPerMinute: 100 },
      { stage: 'compliance', batches: 0, events: 0, meanMs: null, maxMs: null, peakEventsPerMinute: 0 },
      { stage: 'ml', batches: 0, events: 0, meanMs: null, maxMs: null, peakEventsPerMinute: 0 },
      { stage: 'violation', batches: 0, events: 0, meanMs: null, maxMs: null, peakEventsPerMinute: 0 },
      { stage: 'alerting', batches: 3, events: 150, meanMs: 5, maxMs: 6, peakEventsPerMinute: 100 },
    ]);
    expect(res.body.endToEnd).toEqual({ batches: 2, events: 20, p50Ms: 2000, p95Ms: 2900, p99Ms: 2980 });
    expect(res.body.deadLetters).toMatchObject({
      inWindow: 1,
      now: baseline.dead + 1,
      inWindowByStage: { compliance: 1, reception: 0 },
    });
    expect(res.body.series).toEqual([
      {
        bucket: '2005-03-01T10:00:00.000Z',
        events: 150,
        meanMs: { reception: 20, compliance: null, ml: null, violation: null, alerting: 5 },
      },
    ]);
    expect(Object.keys(res.body.queues).sort()).toEqual([
      'alerting',
      'compliance',
      'dead-letter',
      'ml',
      'reception',
      'violation',
    ]);
    expect(res.body.queues.reception).toMatchObject({
      wait: expect.any(Number),
      active: expect.any(Number),
      failed: expect.any(Number),
    });
  });

  it('refuse bad ranges, groupings and paging with a 400 naming the field', async () => {
    const field = async (path: string) =>
      (await get(path).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await field('/analytics/events?from=2005-03-04T00:00:00Z&to=2005-03-01T00:00:00Z')).toEqual([
      'to',
    ]);
    expect(await field('/analytics/events?from=2004-01-01T00:00:00Z&to=2005-03-01T00:00:00Z')).toEqual([
      'to',
    ]); // > 400 days
    expect(await field('/analytics/events?from=yesterday')).toEqual(['from']);
    expect(await field('/analytics/events?from=2999-01-01T00:00:00Z')).toEqual(['from']);
    expect(await field('/analytics/events?groupBy=region')).toEqual(['groupBy']);
    expect(await field('/analytics/events?bucket=week')).toEqual(['bucket']);
    expect(await field('/analytics/events?limit=0')).toEqual(['limit']);
    expect(await field('/analytics/events?country=germany')).toEqual(['country']);
    expect(await field('/analytics/violations/trends?severity=huge')).toEqual(['severity']);
    expect(await field('/analytics/viewers/top-risk?tier=extreme')).toEqual(['tier']);
    expect(await field(`/analytics/compliance/posture?${PERIOD_QUERY}&extra=1`)).toEqual(['extra']);
    const res = await get('/analytics/events?from=2005-03-04T00:00:00Z&to=2005-03-01T00:00:00Z').expect(400);
    expect(res.body.message).toContain('to must be after from');
  });

  it('let analysts, compliance officers, auditors and admins read; nobody else', async () => {
    for (const role of [Role.ComplianceOfficer, Role.Auditor, Role.Admin]) {
      await get(`/analytics/compliance/posture?${PERIOD_QUERY}`, await tokenFor(t.app, [role])).expect(200);
    }
    for (const role of [Role.Operator, Role.Ingest]) {
      await get(`/analytics/events?${PERIOD_QUERY}`, await tokenFor(t.app, [role])).expect(403);
    }
    await request(t.http).get('/api/v1/analytics/events').expect(401);
    await request(t.http)
      .post('/api/v1/analytics/rollups/rebuild')
      .set('Authorization', `Bearer ${analyst}`)
      .expect(403);
    await get('/admin/cache/stats').expect(403);
  });

  describe('cache', () => {
    it('answers a repeated question from Redis, and an admin clears it by pattern (validated, audited)', async () => {
      const cache = t.app.get(ResilientCache, { strict: false });
      await request(t.http)
        .delete('/api/v1/admin/cache?pattern=analytics:*')
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      const before = (await get('/admin/cache/stats', admin).expect(200)).body;
      expect(before).toMatchObject({
        backend: 'redis',
        fallbackActive: false,
        namespace: `${t.config.queuePrefix}:cache:`,
      });
      const first = await get(`/analytics/violations/trends?${PERIOD_QUERY}`).expect(200);
      const second = await get(`/analytics/violations/trends?${PERIOD_QUERY}`).expect(200);
      expect(second.body).toEqual(first.body);
      const after = (await get('/admin/cache/stats', admin).expect(200)).body;
      expect(after.requests.redis.misses).toBe(before.requests.redis.misses + 1);
      expect(after.requests.redis.hits).toBe(before.requests.redis.hits + 1);
      expect(after.redisKeys).toBeGreaterThan(0);
      expect(Object.keys(after.generations).sort()).toEqual([
        'consents',
        'events',
        'findings',
        'user_risk',
        'violations',
      ]);

      const bad = await request(t.http)
        .delete('/api/v1/admin/cache?pattern=analytics:[a-z]*')
        .set('Authorization', `Bearer ${admin}`)
        .expect(400);
      expect(bad.body.details[0].field).toBe('pattern');
      const cleared = await request(t.http)
        .delete('/api/v1/admin/cache?pattern=analytics:violation-trends:*')
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(cleared.body).toMatchObject({ pattern: 'analytics:violation-trends:*', backend: 'redis' });
      expect(cleared.body.deleted).toBeGreaterThanOrEqual(1);
      expect(await cache.get('analytics:violation-trends:anything')).toBeUndefined();
      const [audit] = await ds.query(
        `SELECT target_id, details FROM audit_log WHERE action = 'cache.invalidate' ORDER BY id DESC LIMIT 1`,
      );
      expect(audit).toMatchObject({
        target_id: 'analytics:violation-trends:*',
        details: { deleted: cleared.body.deleted },
      });
    });

    it('invalidates by pattern with SCAN over many pages, never KEYS, leaving other keys', async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const namespace = `${t.config.queuePrefix}:scan-test:`;
      const cache = new ResilientCache(redis, { namespace });
      try {
        await waitReady(redis);
        const keys = jest.spyOn(redis, 'keys');
        const scan = jest.spyOn(redis, 'scan');
        await cache.mset(
          Array.from({ length: 1200 }, (_, i) => ({
            key: `analytics:bulk:${i}`,
            value: { i },
            ttlSeconds: 60,
          })),
        );
        await cache.set('analytics:keep:1', { keep: true }, 60);
        expect(await cache.mget([`analytics:bulk:7`, 'analytics:keep:1', 'analytics:none'])).toEqual([
          { i: 7 },
          { keep: true },
          undefined,
        ]);
        expect(await cache.invalidate('analytics:bulk:*')).toEqual({ deleted: 1200, backend: 'redis' });
        expect(keys).not.toHaveBeenCalled();
        expect(scan.mock.calls.length).toBeGreaterThan(2);
        expect(await cache.get('analytics:bulk:7')).toBeUndefined();
        expect(await cache.get('analytics:keep:1')).toEqual({ keep: true });
      } finally {
        await cache.invalidate('*');
        redis.disconnect();
      }
    });

    it('keeps answering from process memory when Redis is unreachable, and shows it in a metric', async () => {
      const port = await closedPort();
      const away = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
      away.on('error', () => undefined);
      const cache = new ResilientCache(away, { namespace: 'ana-fallback:' });
      const service = new AnalyticsService(
        queries,
        cache,
        t.app.get(AuditLog),
        t.app.get(QueueDepths),
        t.app.get(APP_CONFIG),
      );
      try {
        const memoryHits = await counter('hit', 'memory');
        const memoryMisses = await counter('miss', 'memory');
        const started = Date.now();
        const range = resolveRange('2005-03-01T00:00:00Z', '2005-03-04T00:00:00Z');
        const first = await service.events(range, 'day', 'type', {}, { limit: 10, offset: 0 });
        const second = await service.events(range, 'day', 'type', {}, { limit: 10, offset: 0 });
        expect(Date.now() - started).toBeLessThan(2000); // no waiting on the dead connection
        expect(first.totalEvents).toBe(9);
        expect(second).toEqual(first);
        expect(cache.backend()).toBe('memory');
        expect((await cache.stats()).fallbackActive).toBe(true);
        expect(await gauge('ott_cache_fallback_active')).toBe(1);
        expect(await counter('miss', 'memory')).toBe(memoryMisses + 1);
        expect(await counter('hit', 'memory')).toBe(memoryHits + 1);
      } finally {
        away.disconnect();
      }
    });
  });

  describe('rollup maintenance', () => {
    it('reports how far each rollup has folded (GET /analytics/rollups)', async () => {
      const res = await get('/analytics/rollups').expect(200);
      expect(res.body.map((r: { source: string }) => r.source)).toEqual([
        'consents',
        'events',
        'findings',
        'user_risk',
        'violations',
      ]);
      for (const r of res.body) {
        expect(r).toMatchObject({
          watermark: expect.any(String),
          lagSeconds: expect.any(Number),
          rebuiltAt: expect.any(String),
        });
        expect(r.lagSeconds).toBeGreaterThanOrEqual(2); // the safety margin
      }
      await get('/analytics/rollups', await tokenFor(t.app, [Role.Operator])).expect(200);
    });

    it('folds incrementally to the same numbers as a rebuild from the raw tables, and never twice', async () => {
      await writeRiskStep(ds, 2);
      await foldUntil(
        ds,
        maintainer,
        async () =>
          (
            await ds.query(
              `SELECT 1 FROM rollup_user_risk_daily WHERE user_id = 'ana-u-a' AND day = '2005-03-03'`,
            )
          ).length === 1,
      );
      const incremental = await fixtureRollups();
      expect(incremental.risk).toEqual([
        { user_id: 'ana-u-a', day: '2005-03-01', max_score: 0.8, last_score: 0.6 },
        { user_id: 'ana-u-a', day: '2005-03-02', max_score: 0.9, last_score: 0.9 },
        { user_id: 'ana-u-a', day: '2005-03-03', max_score: 0.97, last_score: 0.97 },
        { user_id: 'ana-u-b', day: '2005-03-02', max_score: 0.85, last_score: 0.85 },
        { user_id: 'ana-u-c', day: '2005-03-02', max_score: 0.45, last_score: 0.45 },
        { user_id: 'ana-u-d', day: '2005-03-02', max_score: 0.12, last_score: 0.12 },
      ]);
      // One row per viewer and day with events; the 03-10 event without a viewer adds none.
      expect(incremental.active).toEqual([
        { day: '2005-02-27', user_id: 'ana-v1' },
        { day: '2005-02-27', user_id: 'ana-v5' },
        { day: '2005-03-01', user_id: 'ana-v1' },
        { day: '2005-03-01', user_id: 'ana-v2' },
        { day: '2005-03-01', user_id: 'ana-v3' },
        { day: '2005-03-02', user_id: 'ana-v4' },
        { day: '2005-03-03', user_id: 'ana-v1' },
        { day: '2005-03-10', user_id: 'ana-v2' },
      ]);
      expect(incremental.consents).toEqual([
        { day: '2005-02-27', purpose: 'marketing', state: 'withdrawn', n: 1 },
        { day: '2005-03-01', purpose: 'analytics', state: 'granted', n: 2 },
        { day: '2005-03-02', purpose: 'analytics', state: 'withdrawn', n: 1 },
        { day: '2005-03-03', purpose: 'marketing', state: 'granted', n: 1 },
      ]);

      // Re-running folds nothing more: fold until the watermarks are past every fixture row, then compare.
      const pastFixture = `SELECT (SELECT min(watermark) FROM rollup_watermarks) > greatest(
                             (SELECT max(scored_at) FROM user_risk WHERE user_id LIKE 'ana-%'),
                             (SELECT max(updated_at) FROM violations WHERE dedup_key LIKE 'ana-%')) AS ok`;
      await foldUntil(ds, maintainer, async () => (await ds.query(pastFixture))[0].ok);
      await maintainer.fold();
      expect(await fixtureRollups()).toEqual(incremental);

      await maintainer.rebuild();
      expect(await fixtureRollups()).toEqual(incremental);
    });

    it('takes a changed violation off the days it counted on: escalation, an earlier first_seen, resolution', async () => {
      await ds.query(`UPDATE violations SET severity = 'high', updated_at = now() WHERE id = $1`, [V.V2]);
      await ds.query(
        `UPDATE violations SET first_seen = '2005-02-28T09:00:00Z', updated_at = now() WHERE id = $1`,
        [V.V4],
      );
      await ds.query(
        `UPDATE violations SET status = 'resolved', resolved_at = '2005-03-03T15:00:00Z', updated_at = now() WHERE id = $1`,
        [V.V1],
      );
      const expected = [
        { day: '2005-02-20', framework: 'T-CCPA', severity: 'high', opened: 1, resolved: 0 },
        { day: '2005-02-27', framework: 'T-GDPR', severity: 'medium', opened: 1, resolved: 0 },
        { day: '2005-02-28', framework: 'T-GDPR', severity: 'medium', opened: 1, resolved: 0 },
        { day: '2005-03-01', framework: 'T-GDPR', severity: 'critical', opened: 1, resolved: 0 },
        { day: '2005-03-02', framework: 'T-CCPA', severity: 'low', opened: 1, resolved: 1 },
        { day: '2005-03-02', framework: 'T-GDPR', severity: 'high', opened: 1, resolved: 0 },
        { day: '2005-03-02', framework: 'T-GDPR', severity: 'medium', opened: 0, resolved: 1 },
        { day: '2005-03-03', framework: 'T-GDPR', severity: 'critical', opened: 0, resolved: 1 },
        { day: '2005-03-03', framework: 'T-GDPR', severity: 'medium', opened: 0, resolved: 1 },
        { day: '2005-03-10', framework: 'T-ML', severity: 'high', opened: 1, resolved: 0 },
      ];
      await foldUntil(
        ds,
        maintainer,
        async () => JSON.stringify((await fixtureRollups()).violations) === JSON.stringify(expected),
      );
      await maintainer.rebuild();
      expect((await fixtureRollups()).violations).toEqual(expected);
    });
  });

  async function fixtureRollups() {
    const [events, findings, violations, consents, risk, active] = await Promise.all([
      ds.query(
        `SELECT hour, event_type, country, event_count::int AS n FROM rollup_events_hourly WHERE hour >= '2005-01-01' AND hour < '2006-01-01' ORDER BY 1, 2, 3`,
      ),
      ds.query(
        `SELECT day::text, kind, framework, severity, finding_count::int AS n FROM rollup_findings_daily WHERE day >= '2005-01-01' AND day < '2006-01-01' ORDER BY 1, 2, 3, 4`,
      ),
      ds.query(
        `SELECT day::text, framework, severity, opened_count::int AS opened, resolved_count::int AS resolved FROM rollup_violations_daily
          WHERE framework LIKE 'T-%' AND (opened_count > 0 OR resolved_count > 0) ORDER BY 1, 2, 3`,
      ),
      ds.query(
        `SELECT day::text, purpose, state, consent_count::int AS n FROM rollup_consents_daily WHERE day >= '2005-01-01' AND day < '2006-01-01' ORDER BY 1, 2, 3`,
      ),
      ds.query(
        `SELECT user_id, day::text, max_score, last_score FROM rollup_user_risk_daily WHERE user_id LIKE 'ana-%' ORDER BY 1, 2`,
      ),
      ds.query(
        `SELECT day::text, user_id FROM rollup_active_viewers_daily WHERE day >= '2005-01-01' AND day < '2006-01-01' ORDER BY 1, 2`,
      ),
    ]);
    return { events, findings, violations, consents, risk, active };
  }
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

async function counter(result: string, backend: string): Promise<number> {
  const metric = await register.getSingleMetric('ott_cache_requests_total')!.get();
  return metric.values.find((v) => v.labels.result === result && v.labels.backend === backend)?.value ?? 0;
}

async function gauge(name: string): Promise<number> {
  return (await register.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
}
