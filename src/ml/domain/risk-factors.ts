import { countryCentroid, LatLon } from './country-centroids';

/**
 * The six risk factors of a viewer (DESIGN §3), in the column order of every model, snapshot and
 * explanation. Each is a number that grows with the behaviour it measures; 0 is "nothing of the kind".
 */
export const FACTOR_NAMES = [
  'consentChurn',
  'complianceFindings',
  'dataAccess',
  'authFailures',
  'geoMovement',
  'errorRate',
] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];
export type RiskFactors = Record<FactorName, number>;

export const HOUR_MS = 3_600_000;

/**
 * Half-lives of the decayed counters. A counter holds Σ 2^(-(T - tᵢ)/h) over its events i, T being the
 * viewer's latest event: an event counts 1 when it happens, ½ one half-life later. Bursty attacks
 * (password guessing, a failing client) are judged on the last hour; slower patterns (consent flip-flops,
 * staff reading a profile, compliance findings, travel) on the last day.
 */
export const HALF_LIFE_MS = {
  authFailures: HOUR_MS,
  errors: HOUR_MS,
  events: HOUR_MS,
  consentChurn: 24 * HOUR_MS,
  complianceFindings: 24 * HOUR_MS,
  dataAccess: 24 * HOUR_MS,
  travel: 24 * HOUR_MS,
} as const;
export type CounterName = keyof typeof HALF_LIFE_MS;
export const COUNTER_NAMES = Object.keys(HALF_LIFE_MS) as CounterName[];

/** Distinct countries are counted over a sliding window of this length (not decayed). */
export const COUNTRY_WINDOW_MS = 24 * HOUR_MS;

/** An airliner's cruising speed, roughly: a country change faster than this is not travel. */
export const TRAVEL_SPEED_UNIT_KMH = 1000;
/** One impossible jump counts at most this much, so one glitch does not outweigh everything. */
export const MAX_TRAVEL_WEIGHT = 10;
/** Time between events is floored at a minute: two events in the same millisecond are not infinitely fast. */
export const MIN_TRAVEL_HOURS = 1 / 60;
/** Distance assumed when a country has no centroid (none in ISO 3166-1 lacks one; the fallback is for safety). */
export const FALLBACK_DISTANCE_KM = 1000;
const EARTH_RADIUS_KM = 6371.0088;

/** v, last updated at `fromMs`, as seen at `toMs` (toMs ≥ fromMs decays; an earlier toMs would grow it). */
export function decayed(value: number, fromMs: number, toMs: number, halfLifeMs: number): number {
  if (value === 0 || fromMs === toMs) return value;
  return value * Math.pow(2, -(toMs - fromMs) / halfLifeMs);
}

/** Great-circle distance (haversine) in km. */
export function distanceKm(a: LatLon, b: LatLon): number {
  const toRadians = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRadians;
  const dLon = (b.lon - a.lon) * toRadians;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRadians) * Math.cos(b.lat * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance between two countries' centres; the fallback when either is unknown; 0 for the same country. */
export function countryDistanceKm(from: string, to: string): number {
  if (from === to) return 0;
  const a = countryCentroid(from);
  const b = countryCentroid(to);
  return a && b ? distanceKm(a, b) : FALLBACK_DISTANCE_KM;
}

/** Implied speed (km/h) of moving between the two countries' centres in the time between two events. */
export function impliedSpeedKmh(distance: number, fromMs: number, toMs: number): number {
  const hours = Math.max(Math.abs(toMs - fromMs) / HOUR_MS, MIN_TRAVEL_HOURS);
  return distance / hours;
}

/** What one country change adds to the travel counter: its speed in airliner units, capped. */
export function travelWeight(speedKmh: number): number {
  return Math.min(MAX_TRAVEL_WEIGHT, speedKmh / TRAVEL_SPEED_UNIT_KMH);
}

/** The rolling state of one viewer after a merge: every counter as seen at the viewer's latest event. */
export interface FactorState {
  /** Time (epoch ms) of the viewer's latest event: the moment the counters describe. */
  asOfMs: number;
  counters: Record<CounterName, number>;
  /** Countries seen in the COUNTRY_WINDOW_MS before asOfMs. */
  distinctCountries: number;
}

/** The six factors from the rolling state. */
export function factorsFromState(state: FactorState): RiskFactors {
  const { counters } = state;
  return {
    consentChurn: counters.consentChurn,
    complianceFindings: counters.complianceFindings,
    dataAccess: counters.dataAccess,
    authFailures: counters.authFailures,
    // Being in two countries in a day is ordinary for a traveller, in five it is not; each jump faster
    // than an airliner adds about one more.
    geoMovement: Math.max(0, state.distinctCountries - 1) + counters.travel,
    // errors ≤ events (an error is an event), so this stays in 0..1
    errorRate: counters.events > 1e-12 ? Math.min(1, counters.errors / counters.events) : 0,
  };
}

export function factorsToArray(factors: RiskFactors): number[] {
  return FACTOR_NAMES.map((name) => factors[name]);
}

export function factorsFromArray(values: ArrayLike<number>): RiskFactors {
  if (values.length !== FACTOR_NAMES.length) {
    throw new RangeError(`expected ${FACTOR_NAMES.length} factor values, got ${values.length}`);
  }
  return Object.fromEntries(FACTOR_NAMES.map((name, i) => [name, values[i]])) as RiskFactors;
}

/**
 * Version of the factor → model-input transform, stored with every trained model: a model is only ever
 * fed inputs made the way its training rows were.
 */
export const FEATURE_TRANSFORM = 'log1p-counts/v1';

/**
 * Factor values → model inputs, in place-friendly flat form. Counts get log(1 + x): their tails are long
 * (one viewer with 400 data accesses should not flatten everyone else's differences into one cluster for
 * the distance-based LOF) while their order, all the forest and the z-score care about, is kept. The
 * error rate is already bounded in 0..1 and stays as it is.
 */
export function modelFeaturesInto(factors: ArrayLike<number>, target: Float64Array, offset: number): void {
  for (let column = 0; column < FACTOR_NAMES.length - 1; column++) {
    target[offset + column] = Math.log1p(Math.max(0, factors[column]));
  }
  const last = FACTOR_NAMES.length - 1;
  target[offset + last] = Math.min(1, Math.max(0, factors[last]));
}
