import { randomUUID } from 'node:crypto';
import { EVENT_EXAMPLES } from '../../src/ingestion/dto/event-examples';
import type { EventType } from '../../src/ingestion/domain/event-types';

/** A valid event of this type (from the contract's examples) with a fresh id and time. */
export function makeEvent(type: EventType = 'playback.started', overrides: Record<string, unknown> = {}): Record<string, any> {
  const example = structuredClone(EVENT_EXAMPLES[type]) as Record<string, any>;
  return { ...example, eventId: randomUUID(), occurredAt: new Date().toISOString(), ...overrides };
}

export function makeEvents(count: number, type: EventType = 'playback.started'): Record<string, any>[] {
  return Array.from({ length: count }, (_, i) => makeEvent(type, { userId: `v-load-${i % 97}` }));
}
