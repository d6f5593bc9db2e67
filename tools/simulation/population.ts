/**
 * The simulated viewer base and the platform's staff: who they are, where they live, what they watch on,
 * how old they are and what they would consent to. Built once from a seed; behaviour reads it.
 */
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../src/ingestion/domain/event-vocabulary';
import type { SeededRng } from './seeded-rng';
import {
  CONSENT_ACCEPTANCE,
  COUNTRIES,
  COUNTRY_BY_CODE,
  DEVICE_KIND_WEIGHTS,
  DEVICE_MODELS,
  type DeviceKind,
  STAFF_OFFICES,
} from './world';

export interface Device {
  id: string;
  kind: DeviceKind;
  userAgent: string;
  /** The browser sends Sec-GPC: 1 (a CCPA opt-out of sale/sharing for this browser). */
  gpc: boolean;
}

export interface Viewer {
  readonly index: number;
  readonly id: string;
  /** Country of the account (ISO 3166-1 alpha-2). */
  country: string;
  /** UTC offset of the viewer's local time, minutes. */
  tzOffsetMinutes: number;
  birthYear: number;
  /** First is the primary screen. */
  devices: Device[];
  /** Fixed-line address at home. */
  homeIp: string;
  /** Address on the mobile network (IPv6 for most carriers). */
  mobileIp: string;
  /** How often the viewer watches, 0-1 (relative). */
  engagement: number;
  /** Purposes the viewer accepts in the consent banner (before age and region restrictions). */
  consentProfile: ConsentPurpose[];
}

export interface StaffMember {
  id: string;
  country: string;
  ip: string;
}

export interface Population {
  viewers: Viewer[];
  /** Support agents: read viewers' data under a ticket. */
  supportStaff: StaffMember[];
  /** Privacy team: handles data-subject requests. */
  privacyStaff: StaffMember[];
}

/** Age bands by youngest possible age (what a birth year alone tells), with their share of accounts. */
const AGE_BANDS: ReadonlyArray<readonly [min: number, max: number, share: number]> = [
  [6, 12, 0.03], // kids profiles
  [13, 17, 0.06],
  [18, 24, 0.12],
  [25, 34, 0.22],
  [35, 44, 0.2],
  [45, 54, 0.15],
  [55, 64, 0.12],
  [65, 82, 0.1],
];

export function buildPopulation(rng: SeededRng, size: number, nowMs: number): Population {
  if (!Number.isSafeInteger(size) || size < 1)
    throw new RangeError(`the population needs at least 1 viewer, got ${size}`);
  const year = new Date(nowMs).getUTCFullYear();
  const ids = new Set<string>();
  const viewers: Viewer[] = [];
  for (let index = 0; index < size; index++) {
    let id: string;
    do id = `v-${rng.hex(10)}`;
    while (ids.has(id));
    ids.add(id);
    const country = rng.weighted(COUNTRIES, (c) => c.weight);
    const zone = country.zones[rng.weightedIndex(country.zones.map(([, share]) => share))][0];
    const band = AGE_BANDS[rng.weightedIndex(AGE_BANDS.map(([, , share]) => share))];
    const youngest = rng.int(band[0], band[1]);
    const devices = drawDevices(rng);
    viewers.push({
      index,
      id,
      country: country.code,
      tzOffsetMinutes: zone,
      birthYear: year - 1 - youngest,
      devices,
      homeIp: ipv4In(rng, rng.pick(country.ipv4)),
      mobileIp: rng.chance(0.7) ? ipv6In(rng, country.ipv6) : ipv4In(rng, rng.pick(country.ipv4)),
      engagement: 0.15 + 0.85 * rng.float() ** 1.5,
      consentProfile: drawConsentProfile(rng),
    });
  }
  const supportCount = Math.min(200, Math.max(6, Math.ceil(size / 400)));
  return {
    viewers,
    supportStaff: drawStaff(rng, supportCount, 's-', 100),
    privacyStaff: drawStaff(rng, 4, 's-priv-', 1),
  };
}

function drawDevices(rng: SeededRng): Device[] {
  const kinds = Object.keys(DEVICE_KIND_WEIGHTS) as DeviceKind[];
  const primary = kinds[rng.weightedIndex(kinds.map((k) => DEVICE_KIND_WEIGHTS[k]))];
  const devices = [drawDevice(rng, primary)];
  if (rng.chance(0.35)) {
    const others = kinds.filter((k) => k !== primary);
    devices.push(drawDevice(rng, others[rng.weightedIndex(others.map((k) => DEVICE_KIND_WEIGHTS[k]))]));
  }
  return devices;
}

export function drawDevice(rng: SeededRng, kind: DeviceKind): Device {
  const model = rng.weighted(
    DEVICE_MODELS.filter((m) => m.kind === kind),
    (m) => m.weight,
  );
  return {
    id: `d-${rng.hex(12)}`,
    kind,
    userAgent: model.userAgent,
    gpc: model.gpcCapable === true && rng.chance(0.4),
  };
}

function drawConsentProfile(rng: SeededRng): ConsentPurpose[] {
  const accepted = new Set<ConsentPurpose>();
  for (const [purpose, share] of CONSENT_ACCEPTANCE) if (rng.chance(share)) accepted.add(purpose);
  // Keep the vocabulary's order, so profiles compare and print stably.
  return CONSENT_PURPOSES.filter((p) => accepted.has(p));
}

function drawStaff(rng: SeededRng, count: number, prefix: string, firstNumber: number): StaffMember[] {
  const staff: StaffMember[] = [];
  for (let i = 0; i < count; i++) {
    const office = rng.pick(STAFF_OFFICES);
    staff.push({
      id: `${prefix}${String(firstNumber + i).padStart(2, '0')}`,
      country: office.country,
      ip: `${office.network}.${rng.int(10, 250)}`,
    });
  }
  return staff;
}

export function ipv4In(rng: SeededRng, prefix16: string): string {
  return `${prefix16}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

export function ipv6In(rng: SeededRng, prefix32: string): string {
  const group = () => rng.int(1, 0xffff).toString(16);
  return `${prefix32}:${group()}:${group()}::${group()}`;
}

/** Rewrites a viewer to live in another country (for scenarios that need a region the seed did not give). */
export function relocate(rng: SeededRng, viewer: Viewer, countryCode: string): void {
  const country = COUNTRY_BY_CODE.get(countryCode);
  if (country === undefined) throw new RangeError(`no country profile for ${countryCode}`);
  viewer.country = country.code;
  viewer.tzOffsetMinutes = country.zones[rng.weightedIndex(country.zones.map(([, share]) => share))][0];
  viewer.homeIp = ipv4In(rng, rng.pick(country.ipv4));
  viewer.mobileIp = ipv6In(rng, country.ipv6);
}
