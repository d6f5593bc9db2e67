/**
 * The compliance stage's own view of a normalised event. The reception stage's DTOs are mapped onto
 * this shape by the service; the domain never sees HTTP or ORM types.
 */
import { EVENT_TYPES, type EventType } from '../../ingestion/domain/event-types';
import {
  CONSENT_PURPOSES,
  type ActorType,
  type ConsentPurpose,
  type DsrType,
  type TransferSafeguard,
} from '../../ingestion/domain/event-vocabulary';

// Event types, actor types, consent purposes, DSR types and transfer safeguards belong to the event
// contract (ingestion/domain); the compliance view re-exports them rather than keep a copy that drifts.
export { CONSENT_PURPOSES, EVENT_TYPES, type ActorType, type ConsentPurpose, type DsrType, type TransferSafeguard };

export type ComplianceEventType = EventType;

export interface ComplianceEvent {
  eventId: string;
  type: ComplianceEventType;
  occurredAt: Date;
  userId: string;
  actorType: ActorType;
  actorId: string;
  /** ISO 3166-1 alpha-2 of the request, or null when unknown. */
  country: string | null;
  /** Upper-case ISO 3166-2 subdivision of the request ("US-CA"), or null when unknown. */
  subdivision: string | null;
  ipPrefix: string | null;
  deviceId: string | null;
  sessionId: string | null;
  /** The client sent Sec-GPC: 1 (Global Privacy Control). */
  gpc: boolean;
  /** Type-specific payload; see EventPayloads for the fields the rules read. */
  data: Record<string, unknown>;
}

/** Payload fields per event type, as the DTOs define them (all other types carry no fields the rules read). */
export interface EventPayloads {
  'account.created': { birthYear?: number; country?: string };
  'account.age_verified': { age?: number; ageBand?: string; method?: string };
  'account.parental_consent_given': {
    verified: boolean;
    method?: string;
    scopes: Array<'collection' | 'third_party_disclosure' | 'sale_share'>;
  };
  'playback.started': {
    contentId: string;
    title?: string;
    rating?: string;
    genre?: string;
    personalised?: boolean;
  };
  'consent.granted': ConsentPayload;
  'consent.withdrawn': ConsentPayload;
  'tracking.fired': {
    vendor: string;
    purpose: string;
    deviceAccess: boolean;
    strictlyNecessary: boolean;
    persistentId: boolean;
    params?: Record<string, unknown>;
  };
  'ad.served': {
    targeting: 'contextual' | 'profiled' | 'cross_context';
    segments?: string[];
    purpose?: string;
  };
  'data.accessed': { categories: string[]; purpose: string; ticketId?: string | null; recordCount?: number };
  'data.shared': TransferPayload;
  'data.exported': TransferPayload;
  'data.deleted': { categories: string[]; requestId?: string };
  'dsr.opened': { requestId: string; type: DsrType; jurisdiction: string; format?: string };
  'dsr.extended': { requestId: string; notifiedAt?: string | Date; reason?: string };
  'dsr.paused': { requestId: string; reason?: string };
  'dsr.resumed': { requestId: string; reason?: string };
  'dsr.completed': { requestId: string };
  'dsr.refused': { requestId: string };
  'dsr.recipient_notified': { requestId: string; recipient: string };
  'security.breach.confirmed': { breachId: string; personalData: boolean; awareAt?: string | Date };
  'breach.authority_notified': { breachId: string };
}

export interface ConsentPayload {
  purpose: string;
  basis: 'consent' | 'legitimate_interest';
  noticeVersion?: string;
  separateForm?: boolean;
  explicit?: boolean;
  expiresAt?: string | Date | null;
}

export interface TransferPayload {
  recipient: string;
  recipientType: 'processor' | 'third_party' | 'data_subject';
  recipientCountry: string;
  dpfCertified?: boolean;
  categories: string[];
  includesViewingHistory?: boolean;
  saleOrShare?: boolean;
  safeguard?: TransferSafeguard;
  purpose?: string;
}

/** Reads an optional timestamp field that may arrive as a Date, an ISO string or epoch milliseconds. */
export function timeOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function strList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
