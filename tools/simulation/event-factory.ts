/**
 * Builds contract events (src/ingestion/domain/event-payloads.ts): the envelope from who acts and from
 * where, the payload as the type requires. Event ids come from their own seeded stream, so the same seed
 * gives the same ids.
 */
import type { EventOf, EventPayloadMap, EventActor } from '../../src/ingestion/domain/event-payloads';
import type { EventType } from '../../src/ingestion/domain/event-types';
import type { SeededRng } from './seeded-rng';
import { formatTimestamp } from './world';

/** The subdivision simulated US viewers' events carry. */
export const SIMULATED_US_SUBDIVISION = 'US-CA';

/** Where an event comes from: the client (device, network, session) or an internal system. */
export interface EventOrigin {
  actor: EventActor;
  userId?: string;
  ip?: string;
  country?: string;
  userAgent?: string;
  deviceId?: string;
  sessionId?: string;
  gpc?: boolean;
  /** Offset written into occurredAt: viewers' clients report local time, servers UTC. */
  offsetMinutes?: number;
}

export class EventFactory {
  constructor(private readonly ids: SeededRng) {}

  /**
   * An event of `type` that happened at `atMs`. `data` is omitted for the types that may carry none when
   * it is undefined.
   */
  build<T extends EventType>(
    type: T,
    atMs: number,
    origin: EventOrigin,
    data?: EventPayloadMap[T],
  ): EventOf<T> {
    const event: Record<string, unknown> = {
      eventId: this.ids.uuid(),
      type,
      occurredAt: formatTimestamp(atMs, origin.offsetMinutes ?? 0),
    };
    if (origin.userId !== undefined) event.userId = origin.userId;
    event.actor = { type: origin.actor.type, id: origin.actor.id };
    if (origin.ip !== undefined) event.ip = origin.ip;
    if (origin.country !== undefined) event.country = origin.country;
    // The simulated service's US audience is Californian (its ground truth applies CCPA to every US viewer),
    // so US events say so; no random draw is spent, which keeps seeded runs identical.
    if (origin.country?.toUpperCase() === 'US') event.subdivision = SIMULATED_US_SUBDIVISION;
    if (origin.userAgent !== undefined) event.userAgent = origin.userAgent;
    if (origin.deviceId !== undefined) event.deviceId = origin.deviceId;
    if (origin.sessionId !== undefined) event.sessionId = origin.sessionId;
    if (origin.gpc === true) event.gpc = true;
    if (data !== undefined) event.data = data;
    return event as EventOf<T>;
  }
}
