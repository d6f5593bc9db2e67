/**
 * The event types the platform may send, grouped into families. The names are a contract: compliance rules
 * match on them, so renaming one is a breaking change for every rule pack.
 */

export const AUTH_EVENT_TYPES = [
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'auth.password_reset',
] as const;

export const ACCOUNT_EVENT_TYPES = [
  'account.created',
  'account.age_verified',
  'account.parental_consent_given',
  'account.closed',
] as const;

export const PLAYBACK_EVENT_TYPES = ['playback.started', 'playback.stopped'] as const;

export const CONSENT_EVENT_TYPES = ['consent.granted', 'consent.withdrawn'] as const;

/** Client-side tracking and advertising: what the ePrivacy, DSA and VPPA rules look at. */
export const ADVERTISING_EVENT_TYPES = ['tracking.fired', 'ad.served'] as const;

/** What the platform itself does with stored personal data. */
export const PERSONAL_DATA_EVENT_TYPES = [
  'data.accessed',
  'data.shared',
  'data.exported',
  'data.deleted',
] as const;

export const DSR_EVENT_TYPES = [
  'dsr.opened',
  'dsr.extended',
  'dsr.paused',
  'dsr.resumed',
  'dsr.completed',
  'dsr.refused',
  'dsr.recipient_notified',
] as const;

export const BREACH_EVENT_TYPES = ['security.breach.confirmed', 'breach.authority_notified'] as const;

export const ERROR_EVENT_TYPES = ['api.error', 'client.error'] as const;

export const EVENT_FAMILIES = {
  auth: AUTH_EVENT_TYPES,
  account: ACCOUNT_EVENT_TYPES,
  playback: PLAYBACK_EVENT_TYPES,
  consent: CONSENT_EVENT_TYPES,
  advertising: ADVERTISING_EVENT_TYPES,
  personal_data: PERSONAL_DATA_EVENT_TYPES,
  dsr: DSR_EVENT_TYPES,
  breach: BREACH_EVENT_TYPES,
  error: ERROR_EVENT_TYPES,
} as const;

export type EventFamily = keyof typeof EVENT_FAMILIES;
export type EventTypeOf<F extends EventFamily> = (typeof EVENT_FAMILIES)[F][number];

export const EVENT_TYPES = [
  ...AUTH_EVENT_TYPES,
  ...ACCOUNT_EVENT_TYPES,
  ...PLAYBACK_EVENT_TYPES,
  ...CONSENT_EVENT_TYPES,
  ...ADVERTISING_EVENT_TYPES,
  ...PERSONAL_DATA_EVENT_TYPES,
  ...DSR_EVENT_TYPES,
  ...BREACH_EVENT_TYPES,
  ...ERROR_EVENT_TYPES,
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type AuthEventType = EventTypeOf<'auth'>;
export type AccountEventType = EventTypeOf<'account'>;
export type PlaybackEventType = EventTypeOf<'playback'>;
export type ConsentEventType = EventTypeOf<'consent'>;
export type AdvertisingEventType = EventTypeOf<'advertising'>;
export type PersonalDataEventType = EventTypeOf<'personal_data'>;
export type DsrEventType = EventTypeOf<'dsr'>;
export type BreachEventType = EventTypeOf<'breach'>;
export type ErrorEventType = EventTypeOf<'error'>;

const FAMILY_BY_TYPE: ReadonlyMap<string, EventFamily> = new Map(
  (Object.keys(EVENT_FAMILIES) as EventFamily[]).flatMap((family) =>
    EVENT_FAMILIES[family].map((type) => [type, family] as const),
  ),
);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && FAMILY_BY_TYPE.has(value);
}

export function familyOf(type: EventType): EventFamily {
  return FAMILY_BY_TYPE.get(type) as EventFamily;
}
