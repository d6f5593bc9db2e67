import { ISO_3166_ALPHA2_CODES } from '../../ingestion/domain/iso-country-codes';
import { COUNTRY_CENTROIDS, countryCentroid } from './country-centroids';
import {
  countryDistanceKm,
  decayed,
  distanceKm,
  FALLBACK_DISTANCE_KM,
  factorsFromState,
  HALF_LIFE_MS,
  HOUR_MS,
  impliedSpeedKmh,
  MAX_TRAVEL_WEIGHT,
  modelFeaturesInto,
  travelWeight,
} from './risk-factors';

const zeroCounters = () => ({
  authFailures: 0,
  errors: 0,
  events: 0,
  consentChurn: 0,
  complianceFindings: 0,
  dataAccess: 0,
  travel: 0,
});

describe('decayed counters', () => {
  it('halve a value per half-life and leave it alone at the same instant', () => {
    expect(decayed(8, 0, HOUR_MS, HOUR_MS)).toBeCloseTo(4, 12);
    expect(decayed(8, 0, 3 * HOUR_MS, HOUR_MS)).toBeCloseTo(1, 12);
    expect(decayed(8, 5, 5, HOUR_MS)).toBe(8);
    expect(decayed(0, 0, 10 * HOUR_MS, HOUR_MS)).toBe(0);
  });

  it('give the same total whichever time the events are summed at (order-free merge)', () => {
    const times = [0, 10 * 60_000, 45 * 60_000, 2 * HOUR_MS];
    const h = HALF_LIFE_MS.authFailures;
    const T = 3 * HOUR_MS;
    const direct = times.reduce((sum, t) => sum + decayed(1, t, T, h), 0);
    // First half summed at its own latest time, then carried forward; second half likewise.
    const firstHalf = decayed(1, times[0], times[1], h) + 1;
    const secondHalf = decayed(1, times[2], times[3], h) + 1;
    expect(decayed(firstHalf, times[1], T, h) + decayed(secondHalf, times[3], T, h)).toBeCloseTo(direct, 12);
  });

  it('use an hour for bursty factors and a day for slow ones', () => {
    expect(HALF_LIFE_MS.authFailures).toBe(HOUR_MS);
    expect(HALF_LIFE_MS.errors).toBe(HOUR_MS);
    expect(HALF_LIFE_MS.dataAccess).toBe(24 * HOUR_MS);
    expect(HALF_LIFE_MS.consentChurn).toBe(24 * HOUR_MS);
  });
});

describe('travel', () => {
  it('knows a centre for every ISO 3166-1 country', () => {
    const missing = ISO_3166_ALPHA2_CODES.filter((code) => !COUNTRY_CENTROIDS.has(code));
    expect(missing).toEqual([]);
    for (const { lat, lon } of COUNTRY_CENTROIDS.values()) {
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
    }
    expect(countryCentroid('de')).toEqual({ lat: 51.2, lon: 10.5 });
    expect(countryCentroid(null)).toBeUndefined();
  });

  it('measures great-circle distances between country centres', () => {
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 90 })).toBeCloseTo((Math.PI / 2) * 6371.0088, 6);
    // Germany–France centres are ~800 km apart; Germany–United States ~7,700 km.
    expect(countryDistanceKm('DE', 'FR')).toBeGreaterThan(700);
    expect(countryDistanceKm('DE', 'FR')).toBeLessThan(900);
    expect(countryDistanceKm('DE', 'US')).toBeGreaterThan(7400);
    expect(countryDistanceKm('DE', 'US')).toBeLessThan(8000);
    expect(countryDistanceKm('DE', 'DE')).toBe(0);
    expect(countryDistanceKm('DE', 'ZZ')).toBe(FALLBACK_DISTANCE_KM);
  });

  it('implies speed from distance and time, never dividing by less than a minute', () => {
    expect(impliedSpeedKmh(1000, 0, 2 * HOUR_MS)).toBeCloseTo(500, 12);
    expect(impliedSpeedKmh(1000, 2 * HOUR_MS, 0)).toBeCloseTo(500, 12);
    expect(impliedSpeedKmh(1000, 0, 0)).toBeCloseTo(60_000, 9);
  });

  it('weighs a change by its speed in airliner units, capped', () => {
    expect(travelWeight(120)).toBeCloseTo(0.12, 12);
    expect(travelWeight(5000)).toBeCloseTo(5, 12);
    expect(travelWeight(1e9)).toBe(MAX_TRAVEL_WEIGHT);
  });
});

describe('factorsFromState', () => {
  it('combines countries and travel into geographic movement, and errors over events into a rate', () => {
    const counters = { ...zeroCounters(), authFailures: 3, errors: 2, events: 8, travel: 4.5 };
    const factors = factorsFromState({ asOfMs: 0, counters, distinctCountries: 3 });
    expect(factors).toEqual({
      consentChurn: 0,
      complianceFindings: 0,
      dataAccess: 0,
      authFailures: 3,
      geoMovement: 2 + 4.5,
      errorRate: 0.25,
    });
    expect(factorsFromState({ asOfMs: 0, counters: zeroCounters(), distinctCountries: 0 }).errorRate).toBe(0);
    expect(factorsFromState({ asOfMs: 0, counters: zeroCounters(), distinctCountries: 1 }).geoMovement).toBe(
      0,
    );
  });

  it('feeds models log(1 + count) and the error rate as it is', () => {
    const target = new Float64Array(6);
    modelFeaturesInto([0, 1, Math.E - 1, 3, 0, 0.25], target, 0);
    expect(Array.from(target)).toEqual([0, Math.log(2), 1, Math.log(4), 0, 0.25]);
  });
});
