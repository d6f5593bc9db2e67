/**
 * THE event contract: every field of every event type, once. From this description are derived
 *   - the hot-path validator: eventJsonSchema(type) is compiled once per type by ../dto/event-validator.ts;
 *   - the TypeScript types of accepted events: event-payloads.ts (TypeOf / ShapeOf of the fields below);
 *   - the OpenAPI schemas and their descriptions: ../dto/event-openapi.ts.
 * Closed vocabularies come from event-vocabulary.ts, formats from event-formats.ts. Change a field here and
 * all three follow; nothing else describes an event.
 */
import {
  arrayOf,
  boolean,
  emptyObject,
  enumOf,
  type Field,
  integer,
  type JsonSchema,
  object,
  ObjectField,
  scalarMap,
  text,
  timestamp,
  withMaxJsonBytes,
} from './contract-schema';
import {
  CODE_MAX_LENGTH,
  CODE_PATTERN,
  COUNTRY_CODE_PATTERN,
  IDENTIFIER_MAX_LENGTH,
  IDENTIFIER_PATTERN,
  IP_ADDRESS_MAX_LENGTH,
  IP_ADDRESS_PATTERN,
  JURISDICTION_MAX_LENGTH,
  JURISDICTION_PATTERN,
  LABEL_MAX_LENGTH,
  LABEL_PATTERN,
  MULTI_LINE_TEXT_PATTERN,
  SINGLE_LINE_TEXT_PATTERN,
  SUBDIVISION_MAX_LENGTH,
  SUBDIVISION_PATTERN,
  TIMESTAMP_MAX_LENGTH,
  TIMESTAMP_PATTERN,
  TOKEN_MAX_LENGTH,
  TOKEN_PATTERN,
  UUID_LENGTH,
  UUID_PATTERN,
} from './event-formats';
import { EVENT_FAMILIES, type EventType, familyOf } from './event-types';
import {
  ACCOUNT_CLOSURE_REASONS,
  ACTOR_TYPES,
  AD_TARGETING_KINDS,
  AGE_BANDS,
  AGE_VERIFICATION_METHODS,
  CONSENT_PURPOSES,
  DSR_FORMATS,
  DSR_PAUSE_REASONS,
  DSR_TYPES,
  INTERNAL_ACTOR_TYPES,
  LEGAL_BASES,
  PARENTAL_CONSENT_METHODS,
  PARENTAL_CONSENT_SCOPES,
  RECIPIENT_TYPES,
  STAFF_ACCESS_PURPOSES,
  SUPPORT_PURPOSE,
  TRANSFER_SAFEGUARDS,
} from './event-vocabulary';

// ---------------------------------------------------------------------------------------------------------
// Bounds

/** `data` serialised as JSON may not exceed this (bounded size, DESIGN §2). */
export const EVENT_DATA_MAX_BYTES = 8 * 1024;
export const USER_AGENT_MAX_LENGTH = 512;
export const CATEGORIES_MAX_ITEMS = 32;
export const RECIPIENT_MAX_LENGTH = 128;
export const RECORD_COUNT_MAX = 1_000_000_000;
export const VENDOR_MAX_LENGTH = 128;
export const TRACKING_PARAMS_MAX_ENTRIES = 32;
export const TRACKING_PARAM_KEY_PATTERN = /^[A-Za-z0-9_.[\]:-]+$/u;
export const TRACKING_PARAM_KEY_MAX_LENGTH = 64;
export const TRACKING_PARAM_VALUE_MAX_LENGTH = 512;
export const SEGMENTS_MAX_ITEMS = 64;
export const SEGMENT_MAX_LENGTH = 128;
export const TITLE_MAX_LENGTH = 256;
export const GENRE_MAX_LENGTH = 64;
/** A month of continuous live stream. */
export const POSITION_MAX_SECONDS = 31 * 24 * 3600;
export const DSR_REASON_MAX_LENGTH = 512;
export const ERROR_MESSAGE_MAX_LENGTH = 1024;
export const ENDPOINT_MAX_LENGTH = 512;

// ---------------------------------------------------------------------------------------------------------
// Formats

const identifier = () =>
  text({
    maxLength: IDENTIFIER_MAX_LENGTH,
    pattern: IDENTIFIER_PATTERN,
    describedAs: 'an identifier ([A-Za-z0-9._:-])',
  });
const token = () =>
  text({ maxLength: TOKEN_MAX_LENGTH, pattern: TOKEN_PATTERN, describedAs: 'a snake_case token' });
const label = () =>
  text({ maxLength: LABEL_MAX_LENGTH, pattern: LABEL_PATTERN, describedAs: 'a short label' });
const singleLine = (maxLength: number) =>
  text({ maxLength, pattern: SINGLE_LINE_TEXT_PATTERN, describedAs: 'text without control characters' });
const multiLine = (maxLength: number) =>
  text({
    maxLength,
    pattern: MULTI_LINE_TEXT_PATTERN,
    describedAs: 'text without control characters but tab and line breaks',
  });
const uuid = () =>
  text({ minLength: UUID_LENGTH, maxLength: UUID_LENGTH, pattern: UUID_PATTERN, describedAs: 'a UUID' });
const countryCode = () =>
  text({
    minLength: 2,
    maxLength: 2,
    pattern: COUNTRY_CODE_PATTERN,
    describedAs: 'an ISO 3166-1 alpha-2 country code',
  });
const subdivisionCode = () =>
  text({
    minLength: 4,
    maxLength: SUBDIVISION_MAX_LENGTH,
    pattern: SUBDIVISION_PATTERN,
    describedAs: 'an ISO 3166-2 subdivision code such as US-CA',
  });
const ipAddress = () =>
  text({
    maxLength: IP_ADDRESS_MAX_LENGTH,
    pattern: IP_ADDRESS_PATTERN,
    describedAs: 'an IPv4 or IPv6 address',
  });
const jurisdiction = () =>
  text({
    maxLength: JURISDICTION_MAX_LENGTH,
    pattern: JURISDICTION_PATTERN,
    describedAs: 'a jurisdiction (EEA, EU, a country code or a subdivision like US-CA)',
  });
const errorCode = () =>
  text({ maxLength: CODE_MAX_LENGTH, pattern: CODE_PATTERN, describedAs: 'an error code ([A-Za-z0-9._:-])' });
const rfc3339 = () => timestamp(TIMESTAMP_PATTERN, TIMESTAMP_MAX_LENGTH);
const categories = () =>
  arrayOf(token(), { minItems: 1, maxItems: CATEGORIES_MAX_ITEMS }).describe(
    'Personal-data categories as snake_case tokens, e.g. viewing_history, contact, precise_geo.',
    ['viewing_history'],
  );

// ---------------------------------------------------------------------------------------------------------
// Envelope: fields every event carries (DESIGN §2)

export const ACTOR = object('Actor', {
  type: enumOf(ACTOR_TYPES).example('viewer'),
  id: identifier().example('v-7f3a9c'),
});

/** The actor of data.accessed: only the platform's own staff or services read stored personal data. */
export const INTERNAL_ACTOR = object('InternalActor', {
  type: enumOf(INTERNAL_ACTOR_TYPES).example('staff'),
  id: identifier().example('s-42'),
});

/** Types whose events may omit `userId`: a breach or an anonymous error concerns no single viewer. */
export const SUBJECTLESS_EVENT_TYPES = [
  'security.breach.confirmed',
  'breach.authority_notified',
  'api.error',
  'client.error',
] as const satisfies readonly EventType[];

export const ENVELOPE_IDENTITY = {
  eventId: uuid().describe(
    'Client-chosen UUID; the idempotency key.',
    '0b9e4e1c-5a7d-4c2e-9f1a-2d3b4c5d6e7f',
  ),
  occurredAt: rfc3339().describe(
    'When it happened: RFC 3339 with zone, not before 2000, at most 5 minutes in the future.',
    '2026-03-01T10:15:00Z',
  ),
};

export const USER_ID = identifier().describe(
  'Pseudonymous viewer id of the data subject. Optional only for breach and error events.',
  'v-7f3a9c',
);

export const ENVELOPE_CONTEXT = {
  ip: ipAddress().optional().describe('IPv4 or IPv6; stored only as its /24 or /48 prefix.', '203.0.113.7'),
  country: countryCode().optional().describe('ISO 3166-1 alpha-2; upper-cased at reception.', 'FR'),
  subdivision: subdivisionCode()
    .optional()
    .describe(
      'ISO 3166-2 subdivision where the viewer is (US-CA, US-TX, DE-BY); upper-cased at reception. ' +
        'Its country part must equal `country` when both are given. Rules select state laws by it.',
      'FR-IDF',
    ),
  userAgent: singleLine(USER_AGENT_MAX_LENGTH).optional().example('Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)'),
  deviceId: identifier().optional().example('d-51c2'),
  sessionId: identifier().optional().example('s-9a01'),
  gpc: boolean().optional().describe('The client sent Sec-GPC: 1 (Global Privacy Control).'),
};

// ---------------------------------------------------------------------------------------------------------
// Payloads, by family

const NO_PAYLOAD = emptyObject().optional().describe('No payload: omit it or send {}.');

export const ACCOUNT_CREATED = object('AccountCreatedData', {
  birthYear: integer(1900, 2100).example(2011),
  country: countryCode().describe(
    "Country of the account, ISO 3166-1 alpha-2; rules prefer it to the request's.",
    'FR',
  ),
});

export const AGE_VERIFIED = object(
  'AgeVerifiedData',
  {
    age: integer(0, 130).optional().describe('Exclusive with ageBand.', 15),
    ageBand: enumOf(AGE_BANDS).optional().describe('Exclusive with age.'),
    method: enumOf(AGE_VERIFICATION_METHODS).example('id_document'),
  },
  { exactlyOneOf: ['age', 'ageBand'], description: 'Exactly one of age and ageBand.' },
);

export const PARENTAL_CONSENT = object('ParentalConsentData', {
  verified: boolean().describe('The parent was verified (COPPA verifiable parental consent).'),
  method: enumOf(PARENTAL_CONSENT_METHODS).describe(
    'How the parent was verified: the methods of COPPA 16 CFR 312.5(b)(2), or other.',
    'payment_card',
  ),
  scopes: arrayOf(enumOf(PARENTAL_CONSENT_SCOPES), {
    minItems: 1,
    maxItems: PARENTAL_CONSENT_SCOPES.length,
  }).example(['collection']),
});

export const ACCOUNT_CLOSED = object('AccountClosedData', {
  reason: enumOf(ACCOUNT_CLOSURE_REASONS).optional(),
});

export const PLAYBACK_STARTED = object('PlaybackStartedData', {
  contentId: identifier().example('t-123'),
  title: singleLine(TITLE_MAX_LENGTH).optional().example('The Long Night'),
  rating: label().describe('Content rating as labelled, e.g. TV-MA, PG-13, FSK 16.', 'TV-MA'),
  genre: singleLine(GENRE_MAX_LENGTH).example('Drama'),
  personalised: boolean().describe('Chosen by a recommender using the viewer profile.'),
});

export const PLAYBACK_STOPPED = object('PlaybackStoppedData', {
  contentId: identifier().example('t-123'),
  positionSeconds: integer(0, POSITION_MAX_SECONDS).example(1820),
});

/** consent.granted and consent.withdrawn (a withdrawal with basis legitimate_interest is an objection). */
export const CONSENT_CHANGE = object('ConsentChangeData', {
  purpose: enumOf(CONSENT_PURPOSES).example('ads_targeting'),
  basis: enumOf(LEGAL_BASES).example('consent'),
  noticeVersion: label().describe('Version of the notice shown.', '2026-02'),
  separateForm: boolean().optional().describe('Asked in a form separate from other terms (VPPA).'),
  explicit: boolean().optional().describe('Explicit consent (GDPR Art. 9(2)(a), 49(1)(a)).'),
  expiresAt: rfc3339().optional(),
});

export const TRACKING_FIRED = object('TrackingFiredData', {
  vendor: singleLine(VENDOR_MAX_LENGTH).example('ad-pixel'),
  purpose: token().describe(
    'A consent purpose, or e.g. strictly_necessary, communication, appearance, analytics_statistical.',
    'ads_targeting',
  ),
  deviceAccess: boolean().describe(
    'Stores or reads information on the device (cookie, local storage, device id).',
  ),
  strictlyNecessary: boolean().describe('Strictly necessary for the service the viewer asked for.'),
  persistentId: boolean().describe('Sends a persistent identifier (COPPA personal information).'),
  params: scalarMap({
    maxEntries: TRACKING_PARAMS_MAX_ENTRIES,
    keyPattern: TRACKING_PARAM_KEY_PATTERN,
    keyMaxLength: TRACKING_PARAM_KEY_MAX_LENGTH,
    valuePattern: SINGLE_LINE_TEXT_PATTERN,
    valueMaxLength: TRACKING_PARAM_VALUE_MAX_LENGTH,
  })
    .optional()
    .describe('The parameters the pixel sent, flat.', { content_category: 'drama', external_id: 'v-7f3a9c' }),
});

export const AD_SERVED = object('AdServedData', {
  targeting: enumOf(AD_TARGETING_KINDS).example('profiled'),
  segments: arrayOf(singleLine(SEGMENT_MAX_LENGTH), { maxItems: SEGMENTS_MAX_ITEMS }).describe(
    'Audience segments used, as named by the ad system (may be empty).',
    ['gaming'],
  ),
  purpose: token().optional().example('marketing'),
});

export const DATA_ACCESSED = object('DataAccessedData', {
  categories: categories(),
  purpose: token().describe(
    `Why the data was read. Staff access is allowed for: ${STAFF_ACCESS_PURPOSES.join(', ')} (GDPR-09A).`,
    SUPPORT_PURPOSE,
  ),
  ticketId: identifier().optional().describe('Support ticket justifying the access.'),
  recordCount: integer(0, RECORD_COUNT_MAX).example(1),
});

/** data.shared and data.exported. */
export const DATA_TRANSFER = object('DataTransferData', {
  recipient: singleLine(RECIPIENT_MAX_LENGTH).example('ad-partner'),
  recipientType: enumOf(RECIPIENT_TYPES).example('third_party'),
  recipientCountry: countryCode().describe('ISO 3166-1 alpha-2.', 'US'),
  dpfCertified: boolean().optional().describe('Recipient certified under the EU-US Data Privacy Framework.'),
  categories: categories(),
  includesViewingHistory: boolean(),
  saleOrShare: boolean().describe('A sale or sharing in the CCPA sense.'),
  safeguard: enumOf(TRANSFER_SAFEGUARDS).example('scc'),
  purpose: token().optional().example('marketing'),
});

export const DATA_DELETED = object('DataDeletedData', {
  categories: categories(),
  requestId: identifier().optional().describe('The erasure request served.'),
});

const requestId = () => identifier().describe('The data-subject request.', 'dsr-2026-0042');

export const DSR_OPENED = object('DsrOpenedData', {
  requestId: requestId(),
  type: enumOf(DSR_TYPES).example('access'),
  jurisdiction: jurisdiction().describe(
    'Regime the request is made under: EEA, EU, a country (GB, BR, CA) or a subdivision (US-CA).',
    'EEA',
  ),
  format: enumOf(DSR_FORMATS).optional(),
});

export const DSR_EXTENDED = object('DsrExtendedData', {
  requestId: requestId(),
  notifiedAt: rfc3339().describe('When the viewer was told.'),
  reason: multiLine(DSR_REASON_MAX_LENGTH).example('Complex request spanning several systems.'),
});

/** dsr.paused and dsr.resumed. */
export const DSR_PAUSE = object('DsrPauseData', {
  requestId: requestId(),
  reason: enumOf(DSR_PAUSE_REASONS).example('id_verification'),
});

/** dsr.completed and dsr.refused. */
export const DSR_OUTCOME = object('DsrOutcomeData', { requestId: requestId() });

export const DSR_RECIPIENT_NOTIFIED = object('DsrRecipientNotifiedData', {
  requestId: requestId(),
  recipient: singleLine(RECIPIENT_MAX_LENGTH).describe('As named in the earlier data.shared.', 'ad-partner'),
});

const breachId = () => identifier().describe('The breach, as the incident process names it.', 'br-2026-003');

export const BREACH_CONFIRMED = object('BreachConfirmedData', {
  breachId: breachId(),
  personalData: boolean().describe('Personal data is affected (GDPR Art. 33 applies).'),
  awareAt: rfc3339().describe('When the controller became aware.'),
});

export const BREACH_AUTHORITY_NOTIFIED = object('BreachAuthorityNotifiedData', { breachId: breachId() });

/** api.error and client.error. */
export const ERROR_REPORT = object('ErrorReportData', {
  code: errorCode().example('E_PLAYER_DRM'),
  status: integer(100, 599).optional().describe('HTTP status, when there was one.'),
  message: multiLine(ERROR_MESSAGE_MAX_LENGTH).optional(),
  endpoint: singleLine(ENDPOINT_MAX_LENGTH).optional().example('/v1/playback/sessions'),
});

/** The payload of each event type; an optional field means the event may omit `data`. */
export const EVENT_PAYLOADS = {
  'auth.login.succeeded': NO_PAYLOAD,
  'auth.login.failed': NO_PAYLOAD,
  'auth.logout': NO_PAYLOAD,
  'auth.password_reset': NO_PAYLOAD,
  'account.created': ACCOUNT_CREATED,
  'account.age_verified': AGE_VERIFIED,
  'account.parental_consent_given': PARENTAL_CONSENT,
  'account.closed': ACCOUNT_CLOSED.optional(),
  'playback.started': PLAYBACK_STARTED,
  'playback.stopped': PLAYBACK_STOPPED,
  'consent.granted': CONSENT_CHANGE,
  'consent.withdrawn': CONSENT_CHANGE,
  'tracking.fired': TRACKING_FIRED,
  'ad.served': AD_SERVED,
  'data.accessed': DATA_ACCESSED,
  'data.shared': DATA_TRANSFER,
  'data.exported': DATA_TRANSFER,
  'data.deleted': DATA_DELETED,
  'dsr.opened': DSR_OPENED,
  'dsr.extended': DSR_EXTENDED,
  'dsr.paused': DSR_PAUSE,
  'dsr.resumed': DSR_PAUSE,
  'dsr.completed': DSR_OUTCOME,
  'dsr.refused': DSR_OUTCOME,
  'dsr.recipient_notified': DSR_RECIPIENT_NOTIFIED,
  'security.breach.confirmed': BREACH_CONFIRMED,
  'breach.authority_notified': BREACH_AUTHORITY_NOTIFIED,
  'api.error': ERROR_REPORT,
  'client.error': ERROR_REPORT,
} as const satisfies Record<EventType, Field<unknown, boolean>>;

// ---------------------------------------------------------------------------------------------------------
// One event type, assembled

/** The fields of an event of `type`, in the order the validator reports them. */
export function eventFields(type: EventType): Record<string, Field<unknown, boolean>> {
  const subjectless = (SUBJECTLESS_EVENT_TYPES as readonly string[]).includes(type);
  return {
    type: enumOf(EVENT_FAMILIES[familyOf(type)]).example(type),
    data: EVENT_PAYLOADS[type],
    ...ENVELOPE_IDENTITY,
    userId: subjectless ? USER_ID.optional() : USER_ID,
    actor: (type === 'data.accessed' ? INTERNAL_ACTOR : ACTOR).describe(
      'Who acted; for data.accessed only staff or service.',
    ),
    ...ENVELOPE_CONTEXT,
  };
}

/**
 * The JSON Schema the compiled validator checks an event of `type` against. `type` is checked against its
 * family, as the dispatch on `type` has already chosen this schema.
 */
export function eventJsonSchema(type: EventType): JsonSchema {
  const fields = eventFields(type);
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      name === 'data' && field instanceof ObjectField
        ? withMaxJsonBytes(field.schema, EVENT_DATA_MAX_BYTES)
        : field.schema,
    ]),
  );
  return {
    $id: `ott-event/${type}`,
    type: 'object',
    properties,
    required: Object.entries(fields)
      .filter(([, field]) => !field.isOptional)
      .map(([name]) => name),
    additionalProperties: false,
  };
}
