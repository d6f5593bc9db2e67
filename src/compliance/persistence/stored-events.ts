/**
 * processed_events rows → the compliance domain's ComplianceEvent. One select list serves the stage
 * (a batch's events) and the back-tester (a cursor over a time range), so both see the same events.
 */
import type { ActorType, ComplianceEvent, ComplianceEventType } from '../domain/compliance-event';
import type { ReplayFilter } from '../domain/replay-relevance';

/**
 * Breach events may carry no viewer: their state (breaches awaiting notification) is kept under this
 * platform subject. Not a valid viewer id (ids start with a letter or digit), so it never collides.
 */
export const PLATFORM_SUBJECT = '~platform';

/** Other subject-less events (API and client errors) are evaluated against a fresh state, never stored. */
const TRANSIENT_PREFIX = '~event:';

/** Subjects whose state is never persisted and whose findings carry no user id. */
export function isTransientSubject(userId: string): boolean {
  return userId.startsWith(TRANSIENT_PREFIX);
}

/** The viewer id to store on a finding (null for the platform and transient subjects). */
export function findingUserId(userId: string): string | null {
  return userId.startsWith('~') ? null : userId;
}

/** Columns every reader selects from processed_events `p` (time as epoch ms: parsed as a float, fast). */
export const STORED_EVENT_COLUMNS = `p.event_id, (extract(epoch from p.occurred_at) * 1000)::float8 AS at_ms, p.type,
  p.user_id, p.actor_type, p.actor_id, p.country, p.ip_prefix::text AS ip_prefix, p.device_id, p.session_id, p.data`;

export interface StoredEventRow {
  event_id: string;
  at_ms: number;
  type: string;
  user_id: string | null;
  actor_type: string;
  actor_id: string | null;
  country: string | null;
  ip_prefix: string | null;
  device_id: string | null;
  session_id: string | null;
  data: Record<string, unknown> | null;
}

const BREACH_TYPES = new Set(['security.breach.confirmed', 'breach.authority_notified']);

/**
 * One stored event as a single JSON array, for long replays: one text column per row is far cheaper
 * for the driver than eleven (the fields in StoredEventTuple order).
 */
export const STORED_EVENT_JSON = `json_build_array(p.event_id, (extract(epoch from p.occurred_at) * 1000)::float8, p.type,
  p.user_id, p.actor_type, p.actor_id, p.country, p.ip_prefix::text, p.device_id, p.session_id, p.data)::text`;

export type StoredEventTuple = [
  string,
  number,
  string,
  string | null,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  Record<string, unknown> | null,
];

export function tupleToComplianceEvent(t: StoredEventTuple): ComplianceEvent {
  return event(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10]);
}

export function toComplianceEvent(row: StoredEventRow): ComplianceEvent {
  return event(
    row.event_id,
    row.at_ms,
    row.type,
    row.user_id,
    row.actor_type,
    row.actor_id,
    row.country,
    row.ip_prefix,
    row.device_id,
    row.session_id,
    row.data,
  );
}

function event(
  eventId: string,
  atMs: number,
  type: string,
  userId: string | null,
  actorType: string,
  actorId: string | null,
  country: string | null,
  ipPrefix: string | null,
  deviceId: string | null,
  sessionId: string | null,
  stored: Record<string, unknown> | null,
): ComplianceEvent {
  const data = stored ?? {};
  // Reception keeps the Sec-GPC signal and the subdivision inside data (processed_events has no column
  // for them); no payload has fields of those names.
  let gpc = false;
  let subdivision: string | null = null;
  let payload = data;
  if ('gpc' in data || 'subdivision' in data) {
    gpc = data.gpc === true;
    subdivision = typeof data.subdivision === 'string' ? data.subdivision : null;
    payload = { ...data };
    delete payload.gpc;
    delete payload.subdivision;
  }
  return {
    eventId,
    type: type as ComplianceEventType,
    occurredAt: new Date(atMs),
    userId: userId ?? (BREACH_TYPES.has(type) ? PLATFORM_SUBJECT : `${TRANSIENT_PREFIX}${eventId}`),
    actorType: actorType as ActorType,
    actorId: actorId ?? '',
    country,
    subdivision,
    ipPrefix,
    deviceId,
    sessionId,
    gpc,
    data: payload,
  };
}

/** The SQL form of a replay filter, its type list bound as parameter $n. */
export function replayCondition(filter: ReplayFilter | null, n: number): string {
  if (!filter) return '';
  // Reception stores the Sec-GPC signal as data.gpc and the envelope's subdivision as data.subdivision.
  const signals = [
    ...(filter.gpcSignals ? [`p.data ? 'gpc'`] : []),
    ...(filter.subdivisionSignals ? [`p.data ? 'subdivision'`] : []),
  ];
  return signals.length > 0
    ? `AND (p.type = ANY($${n}::text[]) OR ${signals.join(' OR ')})`
    : `AND p.type = ANY($${n}::text[])`;
}
