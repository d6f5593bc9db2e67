import { isIP } from 'node:net';
import { isISO31661Alpha2 } from 'class-validator';
import ipaddr from 'ipaddr.js';
import {
  codePointLength,
  COUNTRY_CODE_PATTERN,
  COUNTRY_CODES,
  IDENTIFIER_PATTERN,
  IP_ADDRESS_MAX_LENGTH,
  IP_ADDRESS_PATTERN,
  isTimestampWithZone,
  jsonByteLength,
  JURISDICTION_PATTERN,
  parseTimestampMs,
  UUID_PATTERN,
} from './event-formats';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('country codes', () => {
  it('are the 249 assigned ISO 3166-1 alpha-2 codes, as class-validator knows them', () => {
    expect(COUNTRY_CODES.size).toBe(249);
    for (const first of LETTERS) {
      for (const second of LETTERS) {
        const code = first + second;
        expect([code, COUNTRY_CODES.has(code)]).toEqual([code, isISO31661Alpha2(code)]);
      }
    }
  });

  it('match the pattern in any case, and nothing else', () => {
    for (const first of LETTERS) {
      for (const second of LETTERS) {
        const code = first + second;
        const assigned = COUNTRY_CODES.has(code);
        expect(COUNTRY_CODE_PATTERN.test(code)).toBe(assigned);
        expect(COUNTRY_CODE_PATTERN.test(code.toLowerCase())).toBe(assigned);
      }
    }
    for (const notACode of ['XK', 'UK', 'EU', 'FRA', 'F', '', 'F1', 'fr ']) {
      expect(COUNTRY_CODE_PATTERN.test(notACode)).toBe(false);
    }
  });
});

describe('IP address pattern', () => {
  const valid = [
    '0.0.0.0',
    '203.0.113.7',
    '255.255.255.255',
    '::',
    '::1',
    '2001:db8::1',
    '2001:db8:85a3::8a2e:370:7334',
    '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    'fe80::',
    '1:2:3:4:5:6:7:8',
    '1::8',
    '1:2:3:4:5:6::8',
    '::2:3:4:5:6:7:8',
    '::ffff:203.0.113.7',
    '64:ff9b::192.0.2.33',
    '1:2:3:4:5:6:1.2.3.4',
    'ABCD:EF01::',
  ];
  const invalid = [
    '',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.04',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    'gggg::1',
    'fe80::1%eth0',
    '::ffff:256.0.0.1',
    '12345::',
    'localhost',
  ];

  it.each(valid)('accepts %s, as Node does, and ipaddr.js can parse it', (ip) => {
    expect(IP_ADDRESS_PATTERN.test(ip)).toBe(true);
    expect(isIP(ip)).not.toBe(0);
    expect(() => ipaddr.parse(ip)).not.toThrow();
    expect(ip.length).toBeLessThanOrEqual(IP_ADDRESS_MAX_LENGTH);
  });

  it.each(invalid)('rejects %j', (ip) => {
    expect(IP_ADDRESS_PATTERN.test(ip)).toBe(false);
  });

  it('agrees with Node on random compressions of random addresses', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const groups = Array.from({ length: 8 }, () =>
        random() < 0.3 ? '0' : Math.floor(random() * 65536).toString(16),
      );
      const full = groups.join(':');
      const start = Math.floor(random() * 8);
      const end = start + Math.floor(random() * (8 - start));
      const compressed = `${groups.slice(0, start).join(':')}::${groups.slice(end + 1).join(':')}`;
      for (const candidate of [full, compressed, compressed.replace('::', ':::')]) {
        expect([candidate, IP_ADDRESS_PATTERN.test(candidate)]).toEqual([candidate, isIP(candidate) === 6]);
      }
    }
  });
});

describe('timestamps', () => {
  it.each([
    ['2026-03-01T10:15:00Z', Date.UTC(2026, 2, 1, 10, 15)],
    ['2026-03-01T10:15:00.250+01:00', Date.UTC(2026, 2, 1, 9, 15, 0, 250)],
    ['2026-03-01T10:15:00.123456789-05:30', Date.UTC(2026, 2, 1, 15, 45, 0, 123)],
    ['2028-02-29T00:00:00Z', Date.UTC(2028, 1, 29)],
    ['2000-01-01T00:00:00Z', Date.UTC(2000, 0, 1)],
  ])('reads %s', (text, ms) => {
    expect(parseTimestampMs(text)).toBe(ms);
    expect(isTimestampWithZone(text)).toBe(true);
  });

  it.each([
    '2026-03-01T10:15:00',
    '2026-03-01',
    '2026-03-01 10:15:00Z',
    '2026-03-01t10:15:00z',
    '2026-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T10:60:00Z',
    '2026-03-01T10:15:60Z',
    '2026-03-01T10:15:00+19:00',
    '2026-03-01T10:15:00.1234567890Z',
    '1999-12-31T23:59:59Z',
    '2000-01-01T00:30:00+01:00',
    '+02026-03-01T10:15:00Z',
  ])('rejects %s', (text) => {
    expect(isTimestampWithZone(text)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(isTimestampWithZone(Date.UTC(2026, 0, 1))).toBe(false);
    expect(isTimestampWithZone(null)).toBe(false);
  });
});

describe('other formats', () => {
  it('identifiers exclude e-mail addresses and spaces', () => {
    expect(IDENTIFIER_PATTERN.test('v-7f3a9c')).toBe(true);
    expect(IDENTIFIER_PATTERN.test('svc:dsr.export_2')).toBe(true);
    expect(IDENTIFIER_PATTERN.test('jane@example.com')).toBe(false);
    expect(IDENTIFIER_PATTERN.test('a b')).toBe(false);
    expect(IDENTIFIER_PATTERN.test('-leading')).toBe(false);
  });

  it('UUIDs of any version 1-8 in either case', () => {
    expect(UUID_PATTERN.test('0b9e4e1c-5a7d-4c2e-9f1a-2d3b4c5d6e7f')).toBe(true);
    expect(UUID_PATTERN.test('0190F3A2-7B1C-7D2E-8F3A-0123456789AB')).toBe(true);
    expect(UUID_PATTERN.test('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(UUID_PATTERN.test('0b9e4e1c5a7d4c2e9f1a2d3b4c5d6e7f')).toBe(false);
  });

  it('jurisdictions', () => {
    for (const ok of ['EEA', 'EU', 'GB', 'US-CA', 'BR', 'CA'])
      expect(JURISDICTION_PATTERN.test(ok)).toBe(true);
    for (const bad of ['gdpr', 'US-', 'USA', 'US-CAL1']) expect(JURISDICTION_PATTERN.test(bad)).toBe(false);
  });

  it('counts code points, a surrogate pair once', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('\ud800x')).toBe(2);
    expect(codePointLength('x\udc00')).toBe(2);
    expect(codePointLength('é')).toBe(1);
  });

  it('measures JSON in UTF-8 bytes', () => {
    expect(jsonByteLength({ a: 'é' })).toBe('{"a":"é"}'.length + 1);
    expect(jsonByteLength(undefined)).toBe(0);
  });
});
