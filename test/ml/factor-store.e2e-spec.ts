import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import {
  emptyStoredState,
  FactorEvent,
  mergeUpdate,
  StoredFactorState,
  viewerUpdates,
} from '../../src/ml/domain/factor-updates';
import { COUNTER_NAMES } from '../../src/ml/domain/risk-factors';
import { SeededRandom } from '../../src/ml/domain/seeded-random';
import { RiskFactorStore } from '../../src/ml/state/risk-factor-store';
import { deleteQueueKeys, TEST_REDIS_URL } from '../support/test-app';

const TYPES = [
  'playback.started',
  'auth.login.failed',
  'auth.login.succeeded',
  'client.error',
  'api.error',
  'data.accessed',
  'consent.granted',
  'consent.withdrawn',
];
const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP', 'ZZ', null];
const PURPOSES = ['marketing', 'analytics'];

/** Random events of a few viewers over a few hours, in random order. */
function randomBatch(random: SeededRandom, viewers: string[], start: number, size: number): FactorEvent[] {
  return Array.from({ length: size }, () => {
    const type = TYPES[random.nextInt(TYPES.length)];
    return {
      eventId: randomUUID(),
      userId: viewers[random.nextInt(viewers.length)],
      type,
      actorType: type === 'data.accessed' ? 'staff' : random.nextFloat() < 0.9 ? 'viewer' : 'service',
      country: COUNTRIES[random.nextInt(COUNTRIES.length)],
      atMs: start + Math.floor(random.nextFloat() * 3 * 3_600_000),
      purpose: type.startsWith('consent.') ? PURPOSES[random.nextInt(PURPOSES.length)] : null,
      complianceFindings: random.nextFloat() < 0.1 ? 1 + random.nextInt(2) : 0,
    };
  });
}

describe('rolling factor state in Redis (the Lua script)', () => {
  const prefix = `test-ml-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL);
  const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: TEST_REDIS_URL });
  const store = new RiskFactorStore(redis, config);

  afterAll(async () => {
    redis.disconnect();
    await deleteQueueKeys(TEST_REDIS_URL, prefix);
  });

  it('merges batches exactly as the JavaScript reference does', async () => {
    const random = new SeededRandom(42);
    const viewers = ['v-a', 'v-b', 'v-c', 'v-d'];
    const reference = new Map<string, StoredFactorState>(viewers.map((v) => [v, emptyStoredState()]));
    const start = Date.UTC(2026, 2, 1);
    for (let batch = 0; batch < 12; batch++) {
      // Batches move forward in time but overlap, so late events and out-of-order places occur.
      const updates = viewerUpdates(randomBatch(random, viewers, start + batch * 2 * 3_600_000, 25));
      const merged = await store.merge(randomUUID(), updates);
      updates.forEach((update, i) => {
        const expected = mergeUpdate(reference.get(update.userId)!, update);
        const actual = merged[i];
        expect(actual.userId).toBe(update.userId);
        expect(actual.state.asOfMs).toBe(expected.state.asOfMs);
        expect(actual.state.distinctCountries).toBe(expected.state.distinctCountries);
        for (const name of COUNTER_NAMES)
          expect(actual.state.counters[name]).toBeCloseTo(expected.state.counters[name], 9);
        if (expected.boundaryTravelKmh === null) expect(actual.boundaryTravelKmh).toBeNull();
        else expect(actual.boundaryTravelKmh).toBeCloseTo(expected.boundaryTravelKmh, 6);
      });
    }
  });

  it('counts a batch once however often it is merged, and keeps it in the viewer hash under the prefix', async () => {
    const batchId = randomUUID();
    const events = viewerUpdates([
      {
        eventId: randomUUID(),
        userId: 'v-once',
        type: 'auth.login.failed',
        actorType: 'viewer',
        country: 'DE',
        atMs: 1_000_000,
        purpose: null,
        complianceFindings: 0,
      },
    ]);
    const first = await store.merge(batchId, events);
    const again = await store.merge(batchId, events);
    expect(first[0].state.counters.authFailures).toBe(1);
    expect(again[0].state).toEqual(first[0].state);
    const [stored, missing] = await store.read(['v-once', 'v-nobody']);
    expect(stored).toEqual(first[0].state);
    expect(missing).toBeNull();
    expect(await redis.pttl(`${prefix}:ml:v:v-once`)).toBeGreaterThan(29 * 86_400_000);
  });

  it('never loses an update when workers merge the same viewer at once', async () => {
    const at = Date.UTC(2026, 2, 2);
    const one = () =>
      viewerUpdates([
        {
          eventId: randomUUID(),
          userId: 'v-contended',
          type: 'auth.login.failed',
          actorType: 'viewer',
          country: 'DE',
          atMs: at,
          purpose: null,
          complianceFindings: 0,
        },
      ]);
    // Separate connections, as separate workers would have.
    const connections = Array.from({ length: 4 }, () => new Redis(TEST_REDIS_URL));
    const workers = connections.map((connection) => new RiskFactorStore(connection, config));
    await Promise.all(Array.from({ length: 200 }, (_, i) => workers[i % 4].merge(randomUUID(), one())));
    const [final] = await store.merge(
      randomUUID(),
      viewerUpdates([
        {
          eventId: randomUUID(),
          userId: 'v-contended',
          type: 'auth.logout',
          actorType: 'viewer',
          country: 'DE',
          atMs: at,
          purpose: null,
          complianceFindings: 0,
        },
      ]),
    );
    expect(final.state.counters.authFailures).toBeCloseTo(200, 9);
    expect(final.state.counters.events).toBeCloseTo(201, 9);
    for (const connection of connections) connection.disconnect();
  });
});
