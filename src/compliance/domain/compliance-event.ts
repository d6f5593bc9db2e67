/**
 * The compliance stage's own view of a normalised event. Reception's normalised events are mapped onto
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
  /** Type-specific payload, as the event contract defines it (ingestion/domain/event-payloads.ts), normalised. */
  data: Record<string, unknown>;
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
