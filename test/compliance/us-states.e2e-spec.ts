import { DataSource } from 'typeorm';
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

/**
 * A viewer's browser sent Global Privacy Control; three weeks later the platform serves them a cross-context
 * ad and an ad-sync service sells their data. Colorado requires honouring the signal (US-CO-04); Virginia
 * does not, and nobody opted out there in another way, so a Virginian raises nothing.
 */
function gpcThenTargeting(userId: string, subdivision: string): Sequence {
  return new Sequence(userId, new Date(Date.now() - 30 * DAY), { country: 'US', subdivision })
    .add('account.created', { birthYear: 1985, country: 'US' })
    .add(
      'playback.started',
      { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false },
      { gpc: true, deviceId: 'd-states-1' },
    )
    .add(
      'ad.served',
      { targeting: 'cross_context', segments: ['gaming'], purpose: 'marketing' },
      { deviceId: 'd-states-1' },
      21 * DAY,
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
      // A service event carries no place: the viewer's remembered subdivision decides.
      {
        actor: { type: 'service', id: 'svc-adsync' },
        country: undefined,
        subdivision: undefined,
        deviceId: 'd-states-1',
      },
    );
}

describe('US state pack through the pipeline', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  it('raises US-CO-04 for the ad and the sale of a Colorado viewer who sent GPC, nothing for a Virginian', async () => {
    const co = gpcThenTargeting(viewerId('states-co'), 'us-co');
    const va = gpcThenTargeting(viewerId('states-va'), 'US-VA');
    await sendEvents(t, apiKey, [...co.events, ...va.events]);
    await afterCompliance(t, apiKey, co.last.eventId);
    await afterCompliance(t, apiKey, va.last.eventId);

    const stateFindings = async (userId: string) =>
      (await complianceFindings(ds, userId)).filter((f) => f.framework === 'US state privacy');
    const coFindings = await stateFindings(co.userId);
    expect(coFindings.map((f) => [f.rule_id, f.event_id])).toEqual([
      ['US-CO-04', co.events[2].eventId],
      ['US-CO-04', co.last.eventId],
    ]);
    expect(coFindings[0]).toMatchObject({
      severity: 'high',
      reference: 'CPA: C.R.S. §6-1-1306(1)(a)(IV); 4 CCR 904-3 Rule 5',
      evidence: expect.arrayContaining([co.events[1].eventId, co.events[2].eventId]),
    });
    expect(coFindings[0].explanation).toMatch(/\(US-CO\) sent a Global Privacy Control signal/);
    expect(await stateFindings(va.userId)).toEqual([]);
  });
});
