import request from 'supertest';
import { DataSource } from 'typeorm';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp } from '../support/test-app';
import {
  afterCompliance,
  complianceFindings,
  ingestKey,
  sendEvents,
  Sequence,
  viewerId,
} from './compliance-support';

const DAY = 24 * 3_600_000;

/** A US viewer whose browser sent GPC a month ago; a service sells their data now (CCPA-02 if Californian). */
function gpcThenSale(userId: string, subdivision: string): Sequence {
  return new Sequence(userId, new Date(Date.now() - 40 * DAY), { country: 'us', subdivision })
    .add('account.created', { birthYear: 1985, country: 'US' })
    .add(
      'playback.started',
      { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false },
      { gpc: true, deviceId: 'd-jur-1' },
    )
    .add(
      'data.shared',
      {
        recipient: 'ad-partner',
        recipientType: 'third_party',
        recipientCountry: 'US',
        categories: ['device_id'],
        includesViewingHistory: false,
        saleOrShare: true,
        safeguard: 'none',
        purpose: 'marketing',
      },
      // A service event: no country nor subdivision, so the viewer's remembered subdivision decides.
      { actor: { type: 'service', id: 'svc-adsync' }, country: undefined, subdivision: undefined, deviceId: 'd-jur-1' },
      30 * DAY,
    );
}

describe('jurisdiction: the subdivision through the pipeline', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  it('raises the CCPA finding for a viewer in US-CA and not for one in US-TX; the state keeps the subdivision', async () => {
    const ca = viewerId('jur-ca');
    const tx = viewerId('jur-tx');
    const caEvents = gpcThenSale(ca, 'us-ca');
    const txEvents = gpcThenSale(tx, 'US-TX');
    await sendEvents(t, apiKey, [...caEvents.events, ...txEvents.events]);
    await afterCompliance(t, apiKey, caEvents.last.eventId);
    await afterCompliance(t, apiKey, txEvents.last.eventId);

    const ccpa = async (userId: string) =>
      (await complianceFindings(ds, userId))
        .filter((f) => f.framework === 'CCPA/CPRA')
        .map((f) => [f.rule_id, f.event_id]);
    expect(await ccpa(ca)).toEqual([['CCPA-02', caEvents.last.eventId]]);
    expect(await ccpa(tx)).toEqual([]);

    const states: Array<{ user_id: string; subdivision: string }> = await ds.query(
      `SELECT user_id, state->'profile'->>'subdivision' AS subdivision FROM compliance_viewer_state_json
        WHERE user_id = ANY($1::text[]) ORDER BY user_id = $2 DESC`,
      [[ca, tx], ca],
    );
    expect(states).toEqual([
      { user_id: ca, subdivision: 'US-CA' },
      { user_id: tx, subdivision: 'US-TX' },
    ]);
  });

  it('refuses a subdivision outside the event country or malformed, naming the field (400)', async () => {
    for (const [country, subdivision, problem] of [
      ['FR', 'US-CA', /subdivision must lie in country FR/],
      ['US', 'US-CALI', /subdivision must be an ISO 3166-2 subdivision code/],
    ] as const) {
      const res = await request(t.http)
        .post('/api/v1/events')
        .set('X-API-Key', apiKey)
        .send(makeEvent('auth.logout', { country, subdivision }))
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'subdivision', problems: [expect.stringMatching(problem)] }]);
    }
  });
});
