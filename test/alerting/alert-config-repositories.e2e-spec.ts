import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { Transactions } from '../../src/database/transactions';
import { AlertChannelsRepository } from '../../src/alerting/persistence/alert-channels.repository';
import { AlertRoutesRepository } from '../../src/alerting/persistence/alert-routes.repository';
import { TEST_DATABASE_URL } from '../support/test-database';

// Channels and routes through their repositories (alert_routes has one owner, which also answers the
// planner's read of the enabled routes). Names are unique to this run; the rows are removed after.
describe('alert channel and route repositories', () => {
  let ds: DataSource;
  let transactions: Transactions;
  let channels: AlertChannelsRepository;
  let routes: AlertRoutesRepository;
  const tag = randomUUID().slice(0, 8);
  const routeIds: string[] = [];
  const channelIds: string[] = [];

  beforeAll(async () => {
    ds = new DataSource({ ...typeormOptions(TEST_DATABASE_URL, 2), logging: false });
    await ds.initialize();
    transactions = new Transactions(ds);
    channels = new AlertChannelsRepository(ds);
    routes = new AlertRoutesRepository(ds);
  });
  afterAll(async () => {
    await ds.query(`DELETE FROM alert_routes WHERE id = ANY($1::uuid[])`, [routeIds]);
    await ds.query(`DELETE FROM alert_channels WHERE id = ANY($1::uuid[])`, [channelIds]);
    await ds.destroy();
  });

  it('a deleted channel is soft-deleted and disappears from the routes that named it', async () => {
    const [kept, removed] = await transactions.run(async (tx) => [
      await channels.insertChannel(tx, { name: `kept-${tag}`, type: 'email', target: 'a@example.org', secret: null, enabled: true, createdBy: 'test' }),
      await channels.insertChannel(tx, { name: `gone-${tag}`, type: 'email', target: 'b@example.org', secret: null, enabled: true, createdBy: 'test' }),
    ]);
    channelIds.push(kept.id, removed.id);
    const route = await transactions.run((tx) =>
      routes.insertRoute(
        tx,
        {
          name: `route-${tag}`,
          minSeverity: 'high',
          frameworks: ['GDPR'],
          ruleIds: [],
          reasons: [],
          channelIds: [kept.id, removed.id],
          suppressionWindowSeconds: 60,
          enabled: true,
        },
        'test',
      ),
    );
    routeIds.push(route.id);
    expect(await transactions.run((tx) => channels.usableChannels(tx, [kept.id, removed.id]))).toEqual(new Set([kept.id, removed.id]));

    await transactions.run(async (tx) => {
      expect(await channels.softDelete(tx, removed.id)).toBe(true);
      await routes.removeChannel(tx, removed.id);
    });

    expect((await routes.findRoute(route.id))?.channelIds).toEqual([kept.id]);
    expect(await channels.findChannel(removed.id)).toBeNull();
    expect(await channels.missingChannels([kept.id, removed.id])).toEqual([removed.id]);
    expect(await transactions.run((tx) => channels.usableChannels(tx, [kept.id, removed.id]))).toEqual(new Set([kept.id]));
    const enabled = await transactions.run((tx) => routes.enabledRoutes(tx));
    expect(enabled.find((r) => r.id === route.id)).toEqual({
      id: route.id,
      name: `route-${tag}`,
      minSeverity: 'high',
      frameworks: ['GDPR'],
      ruleIds: [],
      reasons: [],
      channelIds: [kept.id],
      suppressionWindowSeconds: 60,
      enabled: true,
    });
    // Deleting twice finds nothing to delete.
    expect(await transactions.run((tx) => channels.softDelete(tx, removed.id))).toBe(false);
  });
});
