/**
 * The shape of an accepted event, derived from the contract (event-contract.ts) for code that reads events
 * (normaliser, rules, simulator). Nothing here is written by hand but the names: change a field in the
 * contract and these types follow.
 */
import type { ShapeOf, TypeOf } from './contract-schema';
import type {
  ACCOUNT_CLOSED,
  ACCOUNT_CREATED,
  ACTOR,
  AD_SERVED,
  AGE_VERIFIED,
  BREACH_AUTHORITY_NOTIFIED,
  BREACH_CONFIRMED,
  CONSENT_CHANGE,
  DATA_ACCESSED,
  DATA_DELETED,
  DATA_TRANSFER,
  DSR_EXTENDED,
  DSR_OPENED,
  DSR_OUTCOME,
  DSR_PAUSE,
  DSR_RECIPIENT_NOTIFIED,
  ENVELOPE_CONTEXT,
  ENVELOPE_IDENTITY,
  ERROR_REPORT,
  EVENT_PAYLOADS,
  INTERNAL_ACTOR,
  PARENTAL_CONSENT,
  PLAYBACK_STARTED,
  PLAYBACK_STOPPED,
  SUBJECTLESS_EVENT_TYPES,
  TRACKING_FIRED,
} from './event-contract';
import type { EventType } from './event-types';

/** RFC 3339 timestamp with zone, e.g. "2026-03-01T10:15:00.250+01:00". */
export type Timestamp = string;

export type EventActor = TypeOf<typeof ACTOR>;
export type InternalEventActor = TypeOf<typeof INTERNAL_ACTOR>;

/** Types that carry no payload send no `data`, or `{}`. */
export type NoPayload = Record<string, never>;

export type AccountCreatedPayload = TypeOf<typeof ACCOUNT_CREATED>;
/** Exactly one of `age` and `ageBand` (the schema enforces it; the type says both may be absent). */
export type AgeVerifiedPayload = TypeOf<typeof AGE_VERIFIED>;
export type ParentalConsentPayload = TypeOf<typeof PARENTAL_CONSENT>;
export type AccountClosedPayload = TypeOf<typeof ACCOUNT_CLOSED>;
export type PlaybackStartedPayload = TypeOf<typeof PLAYBACK_STARTED>;
export type PlaybackStoppedPayload = TypeOf<typeof PLAYBACK_STOPPED>;
export type ConsentChangePayload = TypeOf<typeof CONSENT_CHANGE>;
export type TrackingParamValue = string | number | boolean;
export type TrackingFiredPayload = TypeOf<typeof TRACKING_FIRED>;
export type AdServedPayload = TypeOf<typeof AD_SERVED>;
export type DataAccessedPayload = TypeOf<typeof DATA_ACCESSED>;
/** data.shared and data.exported. */
export type DataTransferPayload = TypeOf<typeof DATA_TRANSFER>;
export type DataDeletedPayload = TypeOf<typeof DATA_DELETED>;
export type DsrOpenedPayload = TypeOf<typeof DSR_OPENED>;
export type DsrExtendedPayload = TypeOf<typeof DSR_EXTENDED>;
/** dsr.paused and dsr.resumed. */
export type DsrPausePayload = TypeOf<typeof DSR_PAUSE>;
/** dsr.completed and dsr.refused. */
export type DsrOutcomePayload = TypeOf<typeof DSR_OUTCOME>;
export type DsrRecipientNotifiedPayload = TypeOf<typeof DSR_RECIPIENT_NOTIFIED>;
export type BreachConfirmedPayload = TypeOf<typeof BREACH_CONFIRMED>;
export type BreachAuthorityNotifiedPayload = TypeOf<typeof BREACH_AUTHORITY_NOTIFIED>;
/** api.error and client.error. */
export type ErrorReportPayload = TypeOf<typeof ERROR_REPORT>;

type PayloadField<T extends EventType> = (typeof EVENT_PAYLOADS)[T];

/** The payload type of each event type; `| undefined` where the event may omit `data`. */
export type EventPayloadMap = {
  [T in EventType]: PayloadField<T>['isOptional'] extends true
    ? TypeOf<PayloadField<T>> | undefined
    : TypeOf<PayloadField<T>>;
};

/** Types whose events may omit `userId`: a breach or an anonymous error concerns no single viewer. */
export type SubjectlessEventType = (typeof SUBJECTLESS_EVENT_TYPES)[number];

type EnvelopeFields<T extends EventType> = ShapeOf<typeof ENVELOPE_IDENTITY> &
  ShapeOf<typeof ENVELOPE_CONTEXT> & {
    type: T;
    actor: T extends 'data.accessed' ? InternalEventActor : EventActor;
  };

type SubjectField<T extends EventType> = T extends SubjectlessEventType
  ? { userId?: string }
  : { userId: string };
type DataField<T extends EventType> = undefined extends EventPayloadMap[T]
  ? { data?: Exclude<EventPayloadMap[T], undefined> }
  : { data: EventPayloadMap[T] };

/** An event of type T as accepted by the validator (before reception normalisation). */
export type EventOf<T extends EventType> = EnvelopeFields<T> & SubjectField<T> & DataField<T>;

/** Any accepted event, discriminated on `type`. */
export type IngestedEvent = { [T in EventType]: EventOf<T> }[EventType];
