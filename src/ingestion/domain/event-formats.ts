/**
 * Formats of event fields, as regular expressions and predicates that the event contract puts into its JSON
 * Schema. Every pattern carries exactly the `u` flag because JSON Schema (and ajv) evaluate `pattern` as a
 * Unicode regular expression: the source means in the compiled validator what it means in TypeScript.
 * Lengths are never encoded in these patterns; the field that uses a pattern bounds the length.
 */
import { ISO_3166_ALPHA2_CODES } from './iso-country-codes';

/** Pseudonymous ids (viewer, actor, device, session, request, content…). No `@`: e-mail addresses are not pseudonyms. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/u;
export const IDENTIFIER_MAX_LENGTH = 128;

/** Open vocabularies written as snake_case tokens: processing purposes, data categories. */
export const TOKEN_PATTERN = /^[a-z][a-z0-9_]*$/u;
export const TOKEN_MAX_LENGTH = 64;

/** Short human labels with a restricted alphabet: content ratings ("TV-MA", "FSK 16"), notice versions. */
export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 +._/-]*$/u;
export const LABEL_MAX_LENGTH = 32;

/** Error codes: "E_TIMEOUT", "player.drm.4012". */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/u;
export const CODE_MAX_LENGTH = 64;

/** A legal regime's territory: an ISO 3166-1 country ("GB", "BR", "CA"), a subdivision ("US-CA") or EEA/EU. */
export const JURISDICTION_PATTERN = /^(?:EEA|EU|[A-Z]{2}(?:-[A-Z0-9]{1,3})?)$/u;
export const JURISDICTION_MAX_LENGTH = 6;

/**
 * An ISO 3166-2 subdivision ("US-CA", "DE-BY", "GB-SCT"): country letters, a dash, one to three letters or
 * digits. Either case, like the country code; reception upper-cases it.
 */
export const SUBDIVISION_PATTERN = /^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/u;
export const SUBDIVISION_MAX_LENGTH = 6;

/** RFC 9562 UUID, versions 1-8, RFC variant; either case. */
export const UUID_PATTERN =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[1-8][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/u;
export const UUID_LENGTH = 36;

/**
 * Free text may hold anything printable but no C0 control character or DEL: PostgreSQL rejects NUL in
 * text and jsonb (a poison job downstream), and line breaks are the usual log-injection vector.
 */
export const SINGLE_LINE_TEXT_PATTERN = /^[^\u0000-\u001f\u007f]*$/u;
/** As above but tab, LF and CR are allowed (error messages, explanations). */
export const MULTI_LINE_TEXT_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u;

export const COUNTRY_CODES: ReadonlySet<string> = new Set(ISO_3166_ALPHA2_CODES);

/**
 * An assigned ISO 3166-1 alpha-2 code in either case ("fr" is accepted and upper-cased at reception).
 * Built from the code list, grouped by first letter: `^(?:[Aa][DEF…def…]|[Bb][…])$`.
 */
export const COUNTRY_CODE_PATTERN = ((): RegExp => {
  const secondLettersByFirst = new Map<string, string>();
  for (const code of ISO_3166_ALPHA2_CODES) {
    secondLettersByFirst.set(code[0], (secondLettersByFirst.get(code[0]) ?? '') + code[1]);
  }
  const groups = [...secondLettersByFirst].map(
    ([first, seconds]) => `[${first}${first.toLowerCase()}][${seconds}${seconds.toLowerCase()}]`,
  );
  return new RegExp(`^(?:${groups.join('|')})$`, 'u');
})();

/**
 * IPv4 in dotted-quad form without leading zeros, or IPv6 per RFC 4291 section 2.2 (including the embedded
 * IPv4 forms) without a zone index. The grammar is RFC 3986's IPv6address.
 */
export const IP_ADDRESS_PATTERN = ((): RegExp => {
  const octet = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
  const ipv4 = `${octet}(?:\\.${octet}){3}`;
  const h16 = '[0-9A-Fa-f]{1,4}';
  const ls32 = `(?:${h16}:${h16}|${ipv4})`;
  const ipv6 = [
    `(?:${h16}:){6}${ls32}`,
    `::(?:${h16}:){5}${ls32}`,
    `(?:${h16})?::(?:${h16}:){4}${ls32}`,
    `(?:(?:${h16}:){0,1}${h16})?::(?:${h16}:){3}${ls32}`,
    `(?:(?:${h16}:){0,2}${h16})?::(?:${h16}:){2}${ls32}`,
    `(?:(?:${h16}:){0,3}${h16})?::${h16}:${ls32}`,
    `(?:(?:${h16}:){0,4}${h16})?::${ls32}`,
    `(?:(?:${h16}:){0,5}${h16})?::${h16}`,
    `(?:(?:${h16}:){0,6}${h16})?::`,
  ];
  return new RegExp(`^(?:${ipv4}|${ipv6.join('|')})$`, 'u');
})();
/** "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
export const IP_ADDRESS_MAX_LENGTH = 45;

/**
 * RFC 3339 date-time: ISO-8601 extended format with a mandatory zone (Z or ±hh:mm) and up to nine
 * fractional digits. Calendar validity and the range are checked by isTimestampWithZone.
 */
export const TIMESTAMP_PATTERN =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$/u;
export const TIMESTAMP_MAX_LENGTH = 35;

/** Nothing this platform records happened before 2000: older timestamps are clock or encoding bugs. */
export const EARLIEST_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

const MAX_ZONE_OFFSET_HOURS = 18;

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp, or NaN when it does not match the pattern, names a
 * day the month does not have, or lies before 2000. Date.parse is not used: V8 rolls 30 February over
 * to 2 March instead of rejecting it.
 */
export function parseTimestampMs(value: string): number {
  if (value.length > TIMESTAMP_MAX_LENGTH) return NaN;
  const match = TIMESTAMP_PATTERN.exec(value);
  if (match === null) return NaN;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return NaN;
  let offsetMs = 0;
  if (sign !== undefined) {
    if (Number(offsetHours) > MAX_ZONE_OFFSET_HOURS || Number(offsetMinutes) > 59) return NaN;
    offsetMs = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  }
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const ms = Date.UTC(y, mo - 1, d, Number(hour), Number(minute), Number(second), millis) - offsetMs;
  return ms >= EARLIEST_TIMESTAMP_MS ? ms : NaN;
}

export function isTimestampWithZone(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(parseTimestampMs(value));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Size of a value as UTF-8 JSON, the form in which it is queued and stored. */
export function jsonByteLength(value: unknown): number {
  const json = JSON.stringify(value);
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}

/**
 * Length in Unicode code points, a surrogate pair counting once: the JSON Schema meaning of a string's
 * length, and the one ajv implements, so both validators bound strings identically.
 */
export function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    length++;
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      if ((value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
  }
  return length;
}
