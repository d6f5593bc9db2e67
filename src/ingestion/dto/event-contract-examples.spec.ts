/**
 * The contract as a table: an input, and either "accepted" or the exact field errors the API answers with
 * (the `details[{field, problems}]` of a 400 and of a batch rejection are built from these). One row per
 * kind of constraint in the contract, on the envelope and in payloads.
 */
import type { EventType } from '../domain/event-types';
import { EVENT_EXAMPLES } from './event-examples';
import { EventValidator, type FieldError } from './event-validator';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const validator = new EventValidator({ now: () => NOW });

type Json = Record<string, unknown>;

function example(type: EventType): Json {
  return structuredClone(EVENT_EXAMPLES[type]) as unknown as Json;
}

/** The example of `type` with `changes` merged into its envelope (undefined deletes). */
function envelope(type: EventType, changes: Json): Json {
  const event = { ...example(type), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete event[key];
  return event;
}

/** The example of `type` with `changes` merged into its data (undefined deletes). */
function data(type: EventType, changes: Json): Json {
  const event = example(type);
  const payload = { ...(event.data as Json), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete payload[key];
  return { ...event, data: payload };
}

const ACCEPTED = 'accepted' as const;

const ROWS: Array<[string, unknown, typeof ACCEPTED | FieldError[]]> = [
  // The envelope
  ['not an object', ['consent.granted'], [{ field: '', message: 'an event must be a JSON object' }]],
  [
    'an unknown type',
    envelope('auth.logout', { type: 'auth.logged_out' }),
    [{ field: 'type', message: 'type must be one of the known event types' }],
  ],
  [
    'no eventId',
    envelope('auth.logout', { eventId: undefined }),
    [{ field: 'eventId', message: 'eventId is required' }],
  ],
  [
    'an eventId of UUID version 0',
    envelope('auth.logout', { eventId: '0b9e4e1c-5a7d-0c2e-9f1a-2d3b4c5d6e7f' }),
    [{ field: 'eventId', message: 'eventId must be a UUID of 36 characters' }],
  ],
  [
    'an upper-case UUID',
    envelope('auth.logout', { eventId: '0B9E4E1C-5A7D-4C2E-9F1A-2D3B4C5D6E7F' }),
    ACCEPTED,
  ],
  [
    'occurredAt without zone',
    envelope('auth.logout', { occurredAt: '2026-03-01T10:00:00' }),
    [
      {
        field: 'occurredAt',
        message:
          'occurredAt must match pattern "^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))$"',
      },
      {
        field: 'occurredAt',
        message: 'occurredAt must be an RFC 3339 timestamp with zone, a real date, not before 2000',
      },
    ],
  ],
  [
    'occurredAt on 30 February',
    envelope('auth.logout', { occurredAt: '2026-02-30T10:00:00Z' }),
    [
      {
        field: 'occurredAt',
        message: 'occurredAt must be an RFC 3339 timestamp with zone, a real date, not before 2000',
      },
    ],
  ],
  [
    'occurredAt before 2000',
    envelope('auth.logout', { occurredAt: '1999-12-31T23:59:59Z' }),
    [
      {
        field: 'occurredAt',
        message: 'occurredAt must be an RFC 3339 timestamp with zone, a real date, not before 2000',
      },
    ],
  ],
  [
    'occurredAt as epoch milliseconds',
    envelope('auth.logout', { occurredAt: 1772358000000 }),
    [{ field: 'occurredAt', message: 'occurredAt must be of type string' }],
  ],
  [
    'occurredAt 4 minutes ahead (clock drift)',
    envelope('auth.logout', { occurredAt: '2026-06-01T12:04:00Z' }),
    ACCEPTED,
  ],
  [
    'occurredAt 6 minutes ahead',
    envelope('auth.logout', { occurredAt: '2026-06-01T12:06:00Z' }),
    [{ field: 'occurredAt', message: 'occurredAt must not be more than 5 minutes in the future' }],
  ],
  [
    'no userId on a viewer event',
    envelope('consent.granted', { userId: undefined }),
    [{ field: 'userId', message: 'userId is required' }],
  ],
  ['no userId on a breach', envelope('security.breach.confirmed', { userId: undefined }), ACCEPTED],
  [
    'an e-mail address as userId',
    envelope('auth.logout', { userId: 'jane@example.com' }),
    [{ field: 'userId', message: 'userId must be an identifier ([A-Za-z0-9._:-]) of 1 to 128 characters' }],
  ],
  [
    'no actor',
    envelope('auth.logout', { actor: undefined }),
    [{ field: 'actor', message: 'actor is required' }],
  ],
  [
    'an unknown actor type',
    envelope('auth.logout', { actor: { type: 'robot', id: 'r-1' } }),
    [{ field: 'actor.type', message: 'type must be one of: viewer, staff, service, partner' }],
  ],
  [
    'an extra actor property',
    envelope('auth.logout', { actor: { type: 'viewer', id: 'v-1', role: 'admin' } }),
    [{ field: 'actor.role', message: 'property role should not exist' }],
  ],
  [
    'a viewer reading stored data',
    envelope('data.accessed', { actor: { type: 'viewer', id: 'v-1' } }),
    [{ field: 'actor.type', message: 'type must be one of: staff, service' }],
  ],
  [
    'an IPv4 address out of range',
    envelope('auth.logout', { ip: '300.1.1.1' }),
    [{ field: 'ip', message: 'ip must be an IPv4 or IPv6 address of 1 to 45 characters' }],
  ],
  ['an IPv4-mapped IPv6 address', envelope('auth.logout', { ip: '::ffff:203.0.113.7' }), ACCEPTED],
  [
    'country UK (not assigned: GB)',
    envelope('auth.logout', { country: 'UK' }),
    [{ field: 'country', message: 'country must be an ISO 3166-1 alpha-2 country code of 2 characters' }],
  ],
  ['country in lower case', envelope('auth.logout', { country: 'fr' }), ACCEPTED],
  [
    'a subdivision in its country, lower case',
    envelope('auth.logout', { country: 'US', subdivision: 'us-ca' }),
    ACCEPTED,
  ],
  [
    'a subdivision outside the country',
    envelope('auth.logout', { country: 'FR', subdivision: 'US-CA' }),
    [
      {
        field: 'subdivision',
        message: 'subdivision must lie in country FR (its first two letters must equal country)',
      },
    ],
  ],
  [
    'a malformed subdivision',
    envelope('auth.logout', { subdivision: 'USCA' }),
    [
      {
        field: 'subdivision',
        message: 'subdivision must be an ISO 3166-2 subdivision code such as US-CA of 4 to 6 characters',
      },
    ],
  ],
  [
    'a line break in userAgent',
    envelope('auth.logout', { userAgent: 'Mozilla\n5.0' }),
    [
      {
        field: 'userAgent',
        message: 'userAgent must be text without control characters of 1 to 512 characters',
      },
    ],
  ],
  [
    'a userAgent of 513 characters',
    envelope('auth.logout', { userAgent: 'x'.repeat(513) }),
    [
      {
        field: 'userAgent',
        message: 'userAgent must be text without control characters of 1 to 512 characters',
      },
    ],
  ],
  [
    'gpc as a string',
    envelope('auth.logout', { gpc: 'yes' }),
    [{ field: 'gpc', message: 'gpc must be of type boolean' }],
  ],
  [
    'null for an optional field',
    envelope('auth.logout', { deviceId: null }),
    [{ field: 'deviceId', message: 'deviceId must be of type string' }],
  ],
  [
    'an unknown envelope field',
    envelope('auth.logout', { debug: true }),
    [{ field: 'debug', message: 'property debug should not exist' }],
  ],
  [
    'a NUL character',
    envelope('auth.logout', { sessionId: 's-\u0000' }),
    [{ field: 'sessionId', message: 'sessionId must not contain a NUL character (U+0000)' }],
  ],
  [
    'a lone surrogate',
    envelope('auth.logout', { userAgent: 'Mozilla\udc00' }),
    [
      {
        field: 'userAgent',
        message: 'userAgent must not contain a lone UTF-16 surrogate (malformed Unicode)',
      },
    ],
  ],
  [
    'a __proto__ key',
    JSON.parse(JSON.stringify(example('auth.logout')).replace('{', '{"__proto__":{"x":1},')),
    [{ field: '__proto__', message: 'property __proto__ should not exist' }],
  ],
  // Payloads
  [
    'a payload on an auth event',
    envelope('auth.logout', { data: { reason: 'x' } }),
    [{ field: 'data', message: 'data must NOT have more than 0 properties' }],
  ],
  ['account.closed without data', envelope('account.closed', { data: undefined }), ACCEPTED],
  [
    'account.created without data',
    envelope('account.created', { data: undefined }),
    [{ field: 'data', message: 'data is required' }],
  ],
  [
    'a birth year before 1900',
    data('account.created', { birthYear: 1899 }),
    [{ field: 'data.birthYear', message: 'birthYear must be >= 1900' }],
  ],
  [
    'both age and ageBand',
    data('account.age_verified', { ageBand: '13_15' }),
    [
      { field: 'data.age', message: 'age and ageBand must not both be present' },
      { field: 'data.ageBand', message: 'age and ageBand must not both be present' },
    ],
  ],
  [
    'neither age nor ageBand',
    data('account.age_verified', { age: undefined }),
    [
      { field: 'data.age', message: 'age is required' },
      { field: 'data.ageBand', message: 'ageBand is required' },
    ],
  ],
  [
    'parental consent by video call (16 CFR 312.5(b)(2)(iv))',
    data('account.parental_consent_given', { method: 'video_call' }),
    ACCEPTED,
  ],
  [
    'parental consent by fax',
    data('account.parental_consent_given', { method: 'fax' }),
    [
      {
        field: 'data.method',
        message:
          'method must be one of: signed_form, payment_card, phone_call, video_call, id_document, knowledge_questions, face_match, text_plus, email_plus, other',
      },
    ],
  ],
  [
    'parental consent for no scope',
    data('account.parental_consent_given', { scopes: [] }),
    [{ field: 'data.scopes', message: 'scopes must NOT have fewer than 1 items' }],
  ],
  [
    'a title of 256 emoji (code points, not UTF-16 units)',
    data('playback.started', { title: '🎬'.repeat(256) }),
    ACCEPTED,
  ],
  [
    'a title of 257 emoji',
    data('playback.started', { title: '🎬'.repeat(257) }),
    [
      {
        field: 'data.title',
        message: 'title must be text without control characters of 1 to 256 characters',
      },
    ],
  ],
  [
    'a position as a string',
    data('playback.stopped', { positionSeconds: '1820' }),
    [{ field: 'data.positionSeconds', message: 'positionSeconds must be of type integer' }],
  ],
  [
    'an unknown consent purpose',
    data('consent.granted', { purpose: 'everything' }),
    [
      {
        field: 'data.purpose',
        message:
          'purpose must be one of: analytics, marketing, personalisation, ads_targeting, third_party_sharing, sale_share, viewing_history_disclosure, cross_border_transfer',
      },
    ],
  ],
  [
    'consent without basis',
    data('consent.granted', { basis: undefined }),
    [{ field: 'data.basis', message: 'basis is required' }],
  ],
  [
    'an empty notice version',
    data('consent.granted', { noticeVersion: '' }),
    [{ field: 'data.noticeVersion', message: 'noticeVersion must be a short label of 1 to 32 characters' }],
  ],
  [
    'an unknown payload field',
    data('dsr.opened', { deadline: 'soon' }),
    [{ field: 'data.deadline', message: 'property deadline should not exist' }],
  ],
  [
    'tracking params under a prototype key',
    data('tracking.fired', { params: { constructor: 'x' } }),
    [{ field: 'data.params.constructor', message: 'property name constructor is not allowed' }],
  ],
  [
    'a nested tracking param',
    data('tracking.fired', { params: { a: { b: 1 } } }),
    [{ field: 'data.params.a', message: 'a must be of type string or number or boolean' }],
  ],
  [
    '33 tracking params',
    data('tracking.fired', {
      params: Object.fromEntries(Array.from({ length: 33 }, (_v, i) => [`p${i}`, i])),
    }),
    [{ field: 'data.params', message: 'params must NOT have more than 32 properties' }],
  ],
  [
    'a payload over 8 KB',
    data('tracking.fired', {
      params: Object.fromEntries(Array.from({ length: 32 }, (_v, i) => [`p${i}`, 'v'.repeat(260)])),
    }),
    [{ field: 'data', message: 'data must not exceed 8192 bytes as JSON' }],
  ],
  ['an ad with no segment', data('ad.served', { segments: [] }), ACCEPTED],
  [
    '65 ad segments',
    data('ad.served', { segments: Array.from({ length: 65 }, (_v, i) => `s${i}`) }),
    [{ field: 'data.segments', message: 'segments must NOT have more than 64 items' }],
  ],
  [
    'a segment with a line break',
    data('ad.served', { segments: ['ok', 'bad\nsegment'] }),
    [
      {
        field: 'data.segments.1',
        message: 'segments.1 must be text without control characters of 1 to 128 characters',
      },
    ],
  ],
  [
    'no data category',
    data('data.accessed', { categories: [] }),
    [{ field: 'data.categories', message: 'categories must NOT have fewer than 1 items' }],
  ],
  [
    'a data category not in snake_case',
    data('data.accessed', { categories: ['Viewing History'] }),
    [
      {
        field: 'data.categories.0',
        message: 'categories.0 must be a snake_case token of 1 to 64 characters',
      },
    ],
  ],
  [
    'a fractional record count',
    data('data.accessed', { recordCount: 1.5 }),
    [{ field: 'data.recordCount', message: 'recordCount must be of type integer' }],
  ],
  [
    'an unknown recipient type and safeguard, a bad country',
    data('data.shared', { recipientType: 'partner', safeguard: 'pinky_swear', recipientCountry: 'XX' }),
    [
      {
        field: 'data.recipientType',
        message: 'recipientType must be one of: processor, third_party, data_subject',
      },
      {
        field: 'data.recipientCountry',
        message: 'recipientCountry must be an ISO 3166-1 alpha-2 country code of 2 characters',
      },
      {
        field: 'data.safeguard',
        message: 'safeguard must be one of: scc, bcr, code, certification, derogation, none',
      },
    ],
  ],
  ['an export to the viewer themself', data('data.exported', { recipientType: 'data_subject' }), ACCEPTED],
  [
    'a jurisdiction in lower case',
    data('dsr.opened', { jurisdiction: 'us-ca' }),
    [
      {
        field: 'data.jurisdiction',
        message:
          'jurisdiction must be a jurisdiction (EEA, EU, a country code or a subdivision like US-CA) of 1 to 6 characters',
      },
    ],
  ],
  ['a multi-line extension reason', data('dsr.extended', { reason: 'line 1\nline 2' }), ACCEPTED],
  [
    'an HTTP status of 600',
    data('api.error', { status: 600 }),
    [{ field: 'data.status', message: 'status must be <= 599' }],
  ],
  [
    'the payload of another type of the family',
    envelope('playback.started', { type: 'playback.stopped' }),
    [
      { field: 'data.positionSeconds', message: 'positionSeconds is required' },
      { field: 'data.title', message: 'property title should not exist' },
      { field: 'data.rating', message: 'property rating should not exist' },
      { field: 'data.genre', message: 'property genre should not exist' },
      { field: 'data.personalised', message: 'property personalised should not exist' },
    ],
  ],
];

describe('the event contract, by example', () => {
  it.each(ROWS)('%s', (_name, input, expected) => {
    const outcome = validator.validate(input);
    expect(outcome.ok ? ACCEPTED : outcome.errors).toEqual(expected);
  });
});
