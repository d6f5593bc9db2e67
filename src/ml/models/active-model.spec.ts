import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { StatisticalViewerScorer } from '../domain/viewer-scorer';
import { ActiveModel } from './active-model';
import type { MlModelsRepository } from '../persistence/ml-models.repository';
import { RiskRecordsRepository } from '../persistence/risk-records.repository';

/** A worker that starts with no model: its cold-start population is read back from user_risk. */
describe('ActiveModel cold-start population', () => {
  const subscriber = { on: () => subscriber, subscribe: async () => 1, disconnect: () => undefined };
  const redis = { duplicate: () => subscriber } as unknown as Redis;
  const registry = { activeVersion: async () => null } as unknown as MlModelsRepository;
  const config = loadConfig({ APP_ROLE: 'worker' });
  const stored = (i: number, authFailures = 0) => ({
    user_id: `v-${i}`,
    factors: {
      consentChurn: 0,
      complianceFindings: 0,
      dataAccess: i % 4,
      authFailures,
      geoMovement: 0,
      errorRate: 0.01,
      asOfMs: 1,
      details: { events1h: 12 },
    },
  });

  it('judges viewers against the viewers already scored, right after a restart', async () => {
    const queries: unknown[][] = [];
    const rows = [...Array.from({ length: 80 }, (_, i) => stored(i)), { user_id: 'v-broken', factors: {} }];
    const dataSource = {
      query: async (...args: unknown[]) => {
        queries.push(args);
        return rows;
      },
    } as unknown as DataSource;
    const models = new ActiveModel(registry, new RiskRecordsRepository(dataSource), redis, config);
    await models.onApplicationBootstrap();
    const scorer = (await models.current()) as StatisticalViewerScorer;
    expect(scorer.detector).toBe('statistical');
    expect(scorer.population.size).toBe(80); // the row without factors is skipped
    expect(queries[0][1]).toEqual([8, 50_000]);
    const attacked = scorer.score({ ...stored(0, 40).factors });
    expect(attacked.conclusive).not.toBe(false);
    expect(attacked.risk).toBeGreaterThan(0.95);
  });

  it('starts with an empty population, not a failure, when the database cannot be read', async () => {
    const dataSource = {
      query: async () => {
        throw new Error('connection refused');
      },
    } as unknown as DataSource;
    const models = new ActiveModel(registry, new RiskRecordsRepository(dataSource), redis, config);
    await expect(models.onApplicationBootstrap()).resolves.toBeUndefined();
    const scorer = (await models.current()) as StatisticalViewerScorer;
    expect(scorer.population.size).toBe(0);
  });
});
