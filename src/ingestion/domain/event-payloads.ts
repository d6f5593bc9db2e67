/**
 * The shape of an accepted event, as plain types for code that reads events (normaliser, rules) without
 * depending on the validation classes. The DTOs in ../dto implement these interfaces, so the compiler
 * keeps the two in step.
 */
import type { EventType } from './event-types';
import type {
  AccountClosureReason,
  ActorType,
  AdTargeting,
  AgeBand,
  AgeVerificationMethod,
  ConsentPurpose,
  DsrFormat,
  DsrPauseReason,
  DsrType,
  InternalActorType,
  LegalBasis,
  ParentalConsentMethod,
  ParentalConsentScope,
  RecipientType,
  TransferSafeguard,
} from './event-vocabulary';

/** RFC 3339 timestamp with zone, e.g. "2026-03-01T10:15:00.250+01:00". */
export type Timestamp = string;

export interface EventActor {
  type: ActorType;
  id: string;
}

/** Types that carry no payload send no `data`, or `{}`. */
export type NoPayload = Record<string, never>;

export interface AccountCreatedPayload {
  birthYear: number;
  /** Country of the account (ISO 3166-1 alpha-2); rules prefer it to the request's country. */
  country: string;
}

/** Exactly one of `age` and `ageBand`. */
export type AgeVerifiedPayload =
  | { age: number; ageBand?: never; method: AgeVerificationMethod }
  | { ageBand: AgeBand; age?: never; method: AgeVerificationMethod };

export interface ParentalConsentPayload {
  verified: boolean;
  method: ParentalConsentMethod;
  scopes: ParentalConsentScope[];
}

export interface AccountClosedPayload {
  reason?: AccountClosureReason;
}

export interface PlaybackStartedPayload {
  contentId: string;
  title?: string;
  rating: string;
  genre: string;
  personalised: boolean;
}

export interface PlaybackStoppedPayload {
  contentId: string;
  positionSeconds: number;
}

export interface ConsentChangePayload {
  purpose: ConsentPurpose;
  basis: LegalBasis;
  noticeVersion: string;
  separateForm?: boolean;
  explicit?: boolean;
  expiresAt?: Timestamp;
}

export type TrackingParamValue = string | number | boolean;

export interface TrackingFiredPayload {
  vendor: string;
  /** Open vocabulary: the consent purposes plus e.g. strictly_necessary, communication, appearance. */
  purpose: string;
  deviceAccess: boolean;
  strictlyNecessary: boolean;
  persistentId: boolean;
  params?: Record<string, TrackingParamValue>;
}

export interface AdServedPayload {
  targeting: AdTargeting;
  segments: string[];
  purpose?: string;
}

export interface DataAccessedPayload {
  categories: string[];
  purpose: string;
  ticketId?: string;
  recordCount: number;
}

/** data.shared and data.exported. */
export interface DataTransferPayload {
  recipient: string;
  recipientType: RecipientType;
  recipientCountry: string;
  dpfCertified?: boolean;
  categories: string[];
  includesViewingHistory: boolean;
  saleOrShare: boolean;
  safeguard: TransferSafeguard;
  purpose?: string;
}

export interface DataDeletedPayload {
  categories: string[];
  requestId?: string;
}

export interface DsrOpenedPayload {
  requestId: string;
  type: DsrType;
  jurisdiction: string;
  format?: DsrFormat;
}

export interface DsrExtendedPayload {
  requestId: string;
  notifiedAt: Timestamp;
  reason: string;
}

/** dsr.paused and dsr.resumed. */
export interface DsrPausePayload {
  requestId: string;
  reason: DsrPauseReason;
}

/** dsr.completed and dsr.refused. */
export interface DsrOutcomePayload {
  requestId: string;
}

export interface DsrRecipientNotifiedPayload {
  requestId: string;
  recipient: string;
}

export interface BreachConfirmedPayload {
  breachId: string;
  personalData: boolean;
  awareAt: Timestamp;
}

export interface BreachAuthorityNotifiedPayload {
  breachId: string;
}

/** api.error and client.error. */
export interface ErrorReportPayload {
  code: string;
  status?: number;
  message?: string;
  endpoint?: string;
}

export interface EventPayloadMap {
  'auth.login.succeeded': NoPayload | undefined;
  'auth.login.failed': NoPayload | undefined;
  'auth.logout': NoPayload | undefined;
  'auth.password_reset': NoPayload | undefined;
  'account.created': AccountCreatedPayload;
  'account.age_verified': AgeVerifiedPayload;
  'account.parental_consent_given': ParentalConsentPayload;
  'account.closed': AccountClosedPayload | undefined;
  'playback.started': PlaybackStartedPayload;
  'playback.stopped': PlaybackStoppedPayload;
  'consent.granted': ConsentChangePayload;
  'consent.withdrawn': ConsentChangePayload;
  'tracking.fired': TrackingFiredPayload;
  'ad.served': AdServedPayload;
  'data.accessed': DataAccessedPayload;
  'data.shared': DataTransferPayload;
  'data.exported': DataTransferPayload;
  'data.deleted': DataDeletedPayload;
  'dsr.opened': DsrOpenedPayload;
  'dsr.extended': DsrExtendedPayload;
  'dsr.paused': DsrPausePayload;
  'dsr.resumed': DsrPausePayload;
  'dsr.completed': DsrOutcomePayload;
  'dsr.refused': DsrOutcomePayload;
  'dsr.recipient_notified': DsrRecipientNotifiedPayload;
  'security.breach.confirmed': BreachConfirmedPayload;
  'breach.authority_notified': BreachAuthorityNotifiedPayload;
  'api.error': ErrorReportPayload;
  'client.error': ErrorReportPayload;
}

/** Types whose events may omit `userId`: a breach or an anonymous error concerns no single viewer. */
export type SubjectlessEventType =
  'security.breach.confirmed' | 'breach.authority_notified' | 'api.error' | 'client.error';

interface EnvelopeFields<T extends EventType> {
  /** Client-chosen UUID, the idempotency key. */
  eventId: string;
  type: T;
  occurredAt: Timestamp;
  actor: T extends 'data.accessed' ? { type: InternalActorType; id: string } : EventActor;
  ip?: string;
  country?: string;
  /** ISO 3166-2 subdivision ("US-CA"); its country part equals `country` when both are given. */
  subdivision?: string;
  userAgent?: string;
  deviceId?: string;
  sessionId?: string;
  /** The client sent Sec-GPC: 1. */
  gpc?: boolean;
}

type SubjectField<T extends EventType> = T extends SubjectlessEventType
  ? { userId?: string }
  : { userId: string };
type DataField<T extends EventType> = undefined extends EventPayloadMap[T]
  ? { data?: Exclude<EventPayloadMap[T], undefined> }
  : { data: EventPayloadMap[T] };

/** An event of type T as accepted by the validators (before reception normalisation). */
export type EventOf<T extends EventType> = EnvelopeFields<T> & SubjectField<T> & DataField<T>;

/** Any accepted event, discriminated on `type`. */
export type IngestedEvent = { [T in EventType]: EventOf<T> }[EventType];
