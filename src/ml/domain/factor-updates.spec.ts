import { emptyStoredState, FactorEvent, mergeUpdate, viewerUpdates } from './factor-updates';
import {
  countryDistanceKm,
  decayed,
  HALF_LIFE_MS,
  HOUR_MS,
  impliedSpeedKmh,
  travelWeight,
} from './risk-factors';

const T0 = Date.UTC(2026, 2, 1, 12);
let counter = 0;

function event(type: string, minutes: number, overrides: Partial<FactorEvent> = {}): FactorEvent {
  counter++;
  return {
    eventId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    userId: 'v-1',
    type,
    actorType: 'viewer',
    country: 'DE',
    atMs: T0 + minutes * 60_000,
    purpose: null,
    complianceFindings: 0,
    ...overrides,
  };
}

describe('viewerUpdates', () => {
  it('reduces one viewer to decayed sums as of their latest event, whatever the order events came in', () => {
    const events = [
      event('auth.login.failed', 60),
      event('auth.login.failed', 0),
      event('playback.started', 120),
    ];
    const [update] = viewerUpdates(events);
    expect(update.latestMs).toBe(T0 + 120 * 60_000);
    expect(update.latestEventId).toBe(events[2].eventId);
    // failures 2 h and 1 h before the latest event: ¼ + ½
    expect(update.increments.authFailures).toBeCloseTo(0.75, 12);
    expect(update.increments.events).toBeCloseTo(1.75, 12);
    expect(update.eventIds).toEqual([events[1].eventId, events[0].eventId, events[2].eventId]);
  });

  it('counts data access by staff and services about the viewer, not the viewer exporting their own data', () => {
    const [update] = viewerUpdates([
      event('data.accessed', 0, { actorType: 'staff', country: 'IE' }),
      event('data.shared', 0, { actorType: 'service', country: null }),
      event('data.exported', 0, { actorType: 'viewer' }),
    ]);
    expect(update.increments.dataAccess).toBe(2);
    // Staff sit in Ireland; that says nothing about where the viewer is.
    expect([...update.countries.keys()]).toEqual(['DE']);
  });

  it('counts errors and compliance findings, and keeps consent decisions in order for the merge', () => {
    const [update] = viewerUpdates([
      event('client.error', 0),
      event('consent.withdrawn', 1, { purpose: 'marketing' }),
      event('consent.granted', 2, { purpose: 'marketing', complianceFindings: 2 }),
    ]);
    expect(update.increments.errors).toBeCloseTo(decayed(1, 0, 2 * 60_000, HALF_LIFE_MS.errors), 12);
    expect(update.increments.complianceFindings).toBe(2);
    expect(update.consentOps.map((op) => `${op.purpose}:${op.op}`)).toEqual(['marketing:w', 'marketing:g']);
  });

  it('measures travel between consecutive places of the viewer inside the batch', () => {
    const [update] = viewerUpdates([
      event('playback.started', 0, { country: 'DE' }),
      event('playback.started', 10, { country: 'BR' }),
    ]);
    const speed = impliedSpeedKmh(countryDistanceKm('DE', 'BR'), 0, 10 * 60_000);
    expect(update.fastestTravelKmh).toBeCloseTo(speed, 6);
    expect(update.increments.travel).toBeCloseTo(travelWeight(speed), 12);
    expect(update.firstPlace).toEqual({ country: 'DE', atMs: T0 });
    expect(update.lastPlace).toEqual({ country: 'BR', atMs: T0 + 10 * 60_000 });
  });

  it('groups by viewer', () => {
    const updates = viewerUpdates([
      event('auth.logout', 0, { userId: 'a' }),
      event('auth.logout', 0, { userId: 'b' }),
      event('auth.logout', 1, { userId: 'a' }),
    ]);
    expect(updates.map((u) => [u.userId, u.eventIds.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});

describe('mergeUpdate', () => {
  it('gives the same counters whichever order two batches are merged in', () => {
    const first = viewerUpdates([
      event('auth.login.failed', 0),
      event('data.accessed', 5, { actorType: 'staff' }),
    ])[0];
    const second = viewerUpdates([event('auth.login.failed', 90), event('client.error', 100)])[0];
    const inOrder = emptyStoredState();
    mergeUpdate(inOrder, first);
    const a = mergeUpdate(inOrder, second).state;
    const reversed = emptyStoredState();
    mergeUpdate(reversed, second);
    const b = mergeUpdate(reversed, first).state;
    expect(a.asOfMs).toBe(b.asOfMs);
    for (const name of Object.keys(a.counters) as (keyof typeof a.counters)[]) {
      expect(a.counters[name]).toBeCloseTo(b.counters[name], 12);
    }
    expect(a.counters.authFailures).toBeCloseTo(
      decayed(1, T0, T0 + 100 * 60_000, HOUR_MS) + 2 ** (-10 / 60),
      12,
    );
  });

  it('counts withdrawals and re-grants as churn, a first grant not', () => {
    const state = emptyStoredState();
    mergeUpdate(state, viewerUpdates([event('consent.granted', 0, { purpose: 'marketing' })])[0]);
    expect(state.counters.consentChurn).toBe(0);
    mergeUpdate(state, viewerUpdates([event('consent.withdrawn', 1, { purpose: 'marketing' })])[0]);
    // The re-grant is judged against the stored decision of the earlier batch.
    const result = mergeUpdate(
      state,
      viewerUpdates([event('consent.granted', 2, { purpose: 'marketing' })])[0],
    );
    expect(result.state.counters.consentChurn).toBeCloseTo(1 * 2 ** (-1 / (24 * 60)) + 1, 9);
    expect(state.purposes.get('marketing')).toBe('g');
  });

  it('measures the step from the stored last place to the batch, and never moves the place back in time', () => {
    const state = emptyStoredState();
    mergeUpdate(state, viewerUpdates([event('playback.started', 0, { country: 'DE' })])[0]);
    const jump = mergeUpdate(state, viewerUpdates([event('playback.started', 30, { country: 'JP' })])[0]);
    const speed = impliedSpeedKmh(countryDistanceKm('DE', 'JP'), 0, 30 * 60_000);
    expect(jump.boundaryTravelKmh).toBeCloseTo(speed, 6);
    expect(jump.state.counters.travel).toBeCloseTo(travelWeight(speed), 12);
    expect(jump.state.distinctCountries).toBe(2);
    // A late event from before the jump is counted but does not make a step.
    const late = mergeUpdate(state, viewerUpdates([event('playback.started', 10, { country: 'FR' })])[0]);
    expect(late.boundaryTravelKmh).toBeNull();
    expect(state.lastPlace?.country).toBe('JP');
    expect(late.state.distinctCountries).toBe(3);
  });

  it('forgets countries older than a day', () => {
    const state = emptyStoredState();
    mergeUpdate(state, viewerUpdates([event('playback.started', 0, { country: 'DE' })])[0]);
    const later = mergeUpdate(
      state,
      viewerUpdates([event('playback.started', 25 * 60, { country: 'FR' })])[0],
    );
    expect(later.state.distinctCountries).toBe(1);
  });
});
