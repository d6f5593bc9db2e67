import { countryCentroid } from './country-centroids';
import {
  COUNTER_NAMES,
  COUNTRY_WINDOW_MS,
  countryDistanceKm,
  CounterName,
  decayed,
  FactorState,
  HALF_LIFE_MS,
  impliedSpeedKmh,
  travelWeight,
} from './risk-factors';

/** What the ML stage reads of one processed event. */
export interface FactorEvent {
  eventId: string;
  userId: string;
  type: string;
  actorType: string;
  country: string | null;
  atMs: number;
  /** data.purpose of consent events */
  purpose: string | null;
  /** compliance findings the compliance stage raised on this event */
  complianceFindings: number;
}

export type ConsentOp = 'g' | 'w';

export interface PlaceAt {
  country: string;
  atMs: number;
}

/**
 * One viewer's share of a batch, reduced to what the merge with the stored state needs: order-free sums
 * (each event decayed to the viewer's latest event in the batch), the first and last place (for the travel
 * step across the batch boundary), the latest time seen in each country, and the consent decisions in time
 * order (a re-grant is only a re-grant relative to the stored decision).
 */
export interface ViewerUpdate {
  userId: string;
  /** Latest event of the viewer in the batch (epoch ms): the sums below are as seen at this time. */
  latestMs: number;
  latestEventId: string;
  eventIds: string[];
  increments: Record<Exclude<CounterName, 'consentChurn'>, number>;
  firstPlace: PlaceAt | null;
  lastPlace: PlaceAt | null;
  /** country → latest event time in it */
  countries: Map<string, number>;
  consentOps: { purpose: string; op: ConsentOp; atMs: number }[];
  /** Fastest implied travel between consecutive events inside the batch, km/h (0 without a change). */
  fastestTravelKmh: number;
}

const DATA_ACCESS_TYPES = new Set(['data.accessed', 'data.shared', 'data.exported']);
const ERROR_TYPES = new Set(['api.error', 'client.error']);

/** Groups a batch's events by viewer and reduces each group to a ViewerUpdate. */
export function viewerUpdates(events: readonly FactorEvent[]): ViewerUpdate[] {
  const byViewer = new Map<string, FactorEvent[]>();
  for (const event of events) {
    let list = byViewer.get(event.userId);
    if (!list) byViewer.set(event.userId, (list = []));
    list.push(event);
  }
  const updates: ViewerUpdate[] = [];
  for (const [userId, list] of byViewer) updates.push(reduceViewer(userId, list));
  return updates;
}

function reduceViewer(userId: string, events: FactorEvent[]): ViewerUpdate {
  // Event-time order; the id breaks ties so that a retry of the same batch reduces it the same way.
  events.sort((a, b) => a.atMs - b.atMs || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  const latest = events[events.length - 1];
  const T = latest.atMs;
  const increments = {
    authFailures: 0,
    errors: 0,
    events: 0,
    complianceFindings: 0,
    dataAccess: 0,
    travel: 0,
  };
  const add = (counter: keyof typeof increments, atMs: number, amount = 1) => {
    increments[counter] += decayed(amount, atMs, T, HALF_LIFE_MS[counter]);
  };
  const countries = new Map<string, number>();
  const consentOps: ViewerUpdate['consentOps'] = [];
  let firstPlace: PlaceAt | null = null;
  let lastPlace: PlaceAt | null = null;
  let fastestTravelKmh = 0;

  for (const event of events) {
    add('events', event.atMs);
    if (event.type === 'auth.login.failed') add('authFailures', event.atMs);
    else if (ERROR_TYPES.has(event.type)) add('errors', event.atMs);
    else if (DATA_ACCESS_TYPES.has(event.type) && event.actorType !== 'viewer') add('dataAccess', event.atMs);
    else if ((event.type === 'consent.granted' || event.type === 'consent.withdrawn') && event.purpose) {
      consentOps.push({
        purpose: event.purpose,
        op: event.type === 'consent.granted' ? 'g' : 'w',
        atMs: event.atMs,
      });
    }
    if (event.complianceFindings > 0) add('complianceFindings', event.atMs, event.complianceFindings);
    // Only the viewer's own events say where the viewer is; a staff member's country says where staff sit.
    if (event.actorType === 'viewer' && event.country) {
      const place = { country: event.country, atMs: event.atMs };
      if (lastPlace && lastPlace.country !== place.country) {
        const speed = impliedSpeedKmh(
          countryDistanceKm(lastPlace.country, place.country),
          lastPlace.atMs,
          place.atMs,
        );
        fastestTravelKmh = Math.max(fastestTravelKmh, speed);
        add('travel', place.atMs, travelWeight(speed));
      }
      firstPlace ??= place;
      lastPlace = place;
      countries.set(place.country, Math.max(countries.get(place.country) ?? -Infinity, place.atMs));
    }
  }
  return {
    userId,
    latestMs: T,
    latestEventId: latest.eventId,
    eventIds: events.map((event) => event.eventId),
    increments,
    firstPlace,
    lastPlace,
    countries,
    consentOps,
    fastestTravelKmh,
  };
}

/** A viewer's stored rolling state, as the Redis script keeps it (see risk-factor-store.ts). */
export interface StoredFactorState {
  /** epoch ms the counters are as of; undefined for a viewer never seen */
  asOfMs?: number;
  counters: Record<CounterName, number>;
  lastPlace?: PlaceAt;
  /** country → latest time seen, pruned to the window */
  countries: Map<string, number>;
  /** purpose → latest consent decision */
  purposes: Map<string, ConsentOp>;
}

export interface MergeResult {
  state: FactorState;
  /** Implied speed of the step from the stored last place to the batch's first place, or null. */
  boundaryTravelKmh: number | null;
}

export function emptyStoredState(): StoredFactorState {
  return {
    counters: Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>,
    countries: new Map(),
    purposes: new Map(),
  };
}

/**
 * Merges a batch's update into a stored state, in place. The reference for the Lua script that does the
 * same in Redis (a test runs both on the same inputs): keep the two in step.
 *
 * Decayed sums merge without regard to order: the new reference time is T = max(stored, batch), and
 * both sides are decayed to it. Consent re-grants and the travel step depend on the previous decision or
 * place, so they are judged against the stored state; a batch older than the stored last place (late
 * events) is counted but does not move the place back.
 */
export function mergeUpdate(stored: StoredFactorState, update: ViewerUpdate): MergeResult {
  const previousT = stored.asOfMs ?? update.latestMs;
  const T = Math.max(previousT, update.latestMs);
  for (const name of COUNTER_NAMES) {
    const halfLife = HALF_LIFE_MS[name];
    const batchValue = name === 'consentChurn' ? 0 : update.increments[name];
    stored.counters[name] =
      decayed(stored.counters[name], previousT, T, halfLife) +
      decayed(batchValue, update.latestMs, T, halfLife);
  }
  for (const { purpose, op, atMs } of update.consentOps) {
    const before = stored.purposes.get(purpose);
    // A withdrawal is churn; a grant is churn only when it reverses a withdrawal (a re-grant).
    if (op === 'w' || before === 'w') {
      stored.counters.consentChurn += decayed(1, atMs, T, HALF_LIFE_MS.consentChurn);
    }
    stored.purposes.set(purpose, op);
  }

  let boundaryTravelKmh: number | null = null;
  const last = stored.lastPlace;
  const first = update.firstPlace;
  if (last && first && first.atMs >= last.atMs && first.country !== last.country) {
    boundaryTravelKmh = impliedSpeedKmh(
      countryDistanceKm(last.country, first.country),
      last.atMs,
      first.atMs,
    );
    stored.counters.travel += decayed(travelWeight(boundaryTravelKmh), first.atMs, T, HALF_LIFE_MS.travel);
  }
  if (update.lastPlace && (!last || update.lastPlace.atMs >= last.atMs))
    stored.lastPlace = { ...update.lastPlace };

  for (const [country, atMs] of update.countries) {
    stored.countries.set(country, Math.max(stored.countries.get(country) ?? -Infinity, atMs));
  }
  for (const [country, atMs] of stored.countries)
    if (atMs < T - COUNTRY_WINDOW_MS) stored.countries.delete(country);

  stored.asOfMs = T;
  return {
    state: { asOfMs: T, counters: { ...stored.counters }, distinctCountries: stored.countries.size },
    boundaryTravelKmh,
  };
}

/** Centroid of a country as the Redis script takes it ('' when unknown: the script uses the fallback distance). */
export function centroidArgs(country: string | null | undefined): [string, string] {
  const centre = countryCentroid(country);
  return centre ? [String(centre.lat), String(centre.lon)] : ['', ''];
}
