/**
 * Reception-stage normalisation of a validated event: one canonical form for the later stages, keeping less
 * personal data than the client sent (the IP shrinks to a network prefix, the user agent to three words).
 * Pure: the reception time is an argument.
 */
import ipaddr from 'ipaddr.js';
import { UAParser } from 'ua-parser-js';
import { MemoCache } from '../../common/domain/memo-cache';
import { parseTimestampMs } from './event-formats';
import type { EventPayloadMap, IngestedEvent } from './event-payloads';
import type { EventType } from './event-types';
import type { ActorType } from './event-vocabulary';

export const DEVICE_CLASSES = [
  'smart_tv',
  'console',
  'mobile',
  'tablet',
  'desktop',
  'wearable',
  'xr',
  'embedded',
  'unknown',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export interface NormalisedEventOf<T extends EventType> {
  eventId: string;
  type: T;
  occurredAt: Date;
  receivedAt: Date;
  userId: string | null;
  actorType: ActorType;
  actorId: string;
  /** "203.0.113.0/24" or "2001:db8:85a3::/48"; null when the event carried no IP. */
  ipPrefix: string | null;
  /** Upper-case ISO 3166-1 alpha-2, or null. */
  country: string | null;
  /** Upper-case ISO 3166-2 subdivision ("US-CA"), or null. */
  subdivision: string | null;
  device: DeviceClass;
  os: string | null;
  browser: string | null;
  deviceId: string | null;
  sessionId: string | null;
  gpc: boolean;
  /** The payload, `{}` for types without one; timestamps in UTC ISO form, country codes upper-cased. */
  data: NonNullable<EventPayloadMap[T]>;
}

export type NormalisedEvent = { [T in EventType]: NormalisedEventOf<T> }[EventType];

export const IPV4_PREFIX_LENGTH = 24;
export const IPV6_PREFIX_LENGTH = 48;

/** Payload fields holding timestamps (rewritten to UTC) and country codes (upper-cased). */
const DATA_TIMESTAMP_FIELDS = ['expiresAt', 'notifiedAt', 'awareAt'] as const;
const DATA_COUNTRY_FIELDS = ['country', 'recipientCountry'] as const;

/** Expects an event accepted by EventValidator; it does not validate again. */
export function normaliseEvent(event: IngestedEvent, receivedAt: Date): NormalisedEvent {
  const client = describeUserAgent(event.userAgent);
  return {
    eventId: event.eventId.toLowerCase(),
    type: event.type,
    occurredAt: new Date(parseTimestampMs(event.occurredAt)),
    receivedAt,
    userId: event.userId ?? null,
    actorType: event.actor.type,
    actorId: event.actor.id,
    ipPrefix: event.ip === undefined ? null : truncateIp(event.ip),
    country: event.country?.toUpperCase() ?? null,
    subdivision: event.subdivision?.toUpperCase() ?? null,
    device: client.device,
    os: client.os,
    browser: client.browser,
    deviceId: event.deviceId ?? null,
    sessionId: event.sessionId ?? null,
    gpc: event.gpc === true,
    data: normaliseData(event.data),
  } as NormalisedEvent;
}

function normaliseData(data: object | undefined): object {
  if (data === undefined) return {};
  const normalised: Record<string, unknown> = { ...data };
  for (const field of DATA_TIMESTAMP_FIELDS) {
    const value = normalised[field];
    if (typeof value === 'string') normalised[field] = new Date(parseTimestampMs(value)).toISOString();
  }
  for (const field of DATA_COUNTRY_FIELDS) {
    const value = normalised[field];
    if (typeof value === 'string') normalised[field] = value.toUpperCase();
  }
  return normalised;
}

/**
 * The network an address belongs to, never the address: IPv4 to /24, IPv6 to /48 (an IPv4-mapped IPv6
 * address counts as IPv4). Enough for geolocation and "new network" signals, not enough to single out a
 * household. Returns null for a string that is not an IP address.
 */
export function truncateIp(ip: string): string | null {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return null;
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') {
    const octets = (address as ipaddr.IPv4).octets.slice();
    octets.fill(0, IPV4_PREFIX_LENGTH / 8);
    return `${octets.join('.')}/${IPV4_PREFIX_LENGTH}`;
  }
  const parts = (address as ipaddr.IPv6).parts.slice();
  parts.fill(0, IPV6_PREFIX_LENGTH / 16);
  return `${new ipaddr.IPv6(parts).toRFC5952String()}/${IPV6_PREFIX_LENGTH}`;
}

export interface ClientDescription {
  device: DeviceClass;
  os: string | null;
  browser: string | null;
}

const DEVICE_CLASS_BY_PARSER_TYPE: Readonly<Record<string, DeviceClass>> = {
  smarttv: 'smart_tv',
  console: 'console',
  mobile: 'mobile',
  tablet: 'tablet',
  wearable: 'wearable',
  xr: 'xr',
  embedded: 'embedded',
};

/** ua-parser-js reports no device type for desktops; these operating systems tell us it is one. */
const DESKTOP_OPERATING_SYSTEMS: ReadonlySet<string> = new Set([
  'Windows',
  'macOS',
  'Mac OS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Chrome OS',
  'Chromium OS',
  'FreeBSD',
  'OpenBSD',
]);

/** One name per OS whatever the parser release calls it (ua-parser-js 1.x says "Mac OS"). */
const OS_ALIASES: Readonly<Record<string, string>> = { 'Mac OS': 'macOS' };

/** Device class, OS and browser names (no versions: they add to a fingerprint and no rule reads them). */
export function describeUserAgent(userAgent: string | undefined): ClientDescription {
  if (userAgent === undefined) return { device: 'unknown', os: null, browser: null };
  return USER_AGENTS.get(userAgent, parseUserAgent);
}

/** Parsing is the costliest step of normalisation, and user agents repeat: parse each once. */
const USER_AGENTS = new MemoCache<ClientDescription>(20_000);

function parseUserAgent(userAgent: string): ClientDescription {
  const parsed = UAParser(userAgent);
  const os = parsed.os.name ? (OS_ALIASES[parsed.os.name] ?? parsed.os.name) : null;
  const parserType = parsed.device.type;
  let device: DeviceClass;
  if (parserType !== undefined) {
    device = DEVICE_CLASS_BY_PARSER_TYPE[parserType] ?? 'unknown';
  } else {
    device = os !== null && DESKTOP_OPERATING_SYSTEMS.has(os) ? 'desktop' : 'unknown';
  }
  return { device, os, browser: parsed.browser.name ?? null };
}

export interface FreeTextField {
  /** Dotted path, as in validation errors: "userAgent", "data.segments.1", "data.params.content_name". */
  field: string;
  value: string;
}

/** Payload fields written by people or third parties rather than drawn from a closed vocabulary or format. */
export const FREE_TEXT_DATA_FIELDS = [
  'title',
  'genre',
  'vendor',
  'recipient',
  'reason',
  'message',
  'endpoint',
] as const;
/** Payload fields that are lists or maps of free text. */
export const FREE_TEXT_DATA_COLLECTIONS = ['segments', 'params'] as const;

/**
 * The strings of an event worth scanning for attack patterns (SQL or script injection, path traversal, log
 * forging): every field whose format allows arbitrary printable text. Identifiers, tokens and closed
 * vocabularies are excluded, their formats already rule such content out.
 */
export function freeTextFields(event: IngestedEvent): FreeTextField[] {
  const fields: FreeTextField[] = [];
  if (event.userAgent !== undefined) fields.push({ field: 'userAgent', value: event.userAgent });
  const data = (event.data ?? {}) as Record<string, unknown>;
  for (const key of FREE_TEXT_DATA_FIELDS) {
    const value = data[key];
    if (typeof value === 'string') fields.push({ field: `data.${key}`, value });
  }
  for (const key of FREE_TEXT_DATA_COLLECTIONS) {
    const collection = data[key];
    if (typeof collection !== 'object' || collection === null) continue;
    for (const [entryKey, value] of Object.entries(collection)) {
      if (typeof value === 'string') fields.push({ field: `data.${key}.${entryKey}`, value });
    }
  }
  return fields;
}
