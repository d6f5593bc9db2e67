/**
 * Builds time-ordered event sequences for tests and benchmarks:
 *   timeline('2026-05-04T10:00:00Z', { userId: 'u-1', country: 'DE' })
 *     .add('account.created', { birthYear: 1990, country: 'DE' })
 *     .after('3h', 'data.accessed', {...}, { actorType: 'service', actorId: 'recsys' })
 *     .events
 */
import type { ComplianceEvent, ComplianceEventType } from '../../../src/compliance/domain/compliance-event';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function duration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  return Number(m[1]) * UNITS[m[2]];
}

let counter = 0;

export function makeEvent(
  type: ComplianceEventType,
  data: Record<string, unknown> = {},
  overrides: Partial<ComplianceEvent> = {},
): ComplianceEvent {
  counter++;
  return {
    eventId: `e-${counter}`,
    type,
    occurredAt: new Date('2026-05-04T10:00:00Z'),
    userId: 'u-1',
    actorType: 'viewer',
    actorId: overrides.userId ?? 'u-1',
    country: null,
    subdivision: null,
    ipPrefix: '203.0.113.0/24',
    deviceId: 'd-1',
    sessionId: 's-1',
    gpc: false,
    data,
    ...overrides,
  };
}

export class Timeline {
  readonly events: ComplianceEvent[] = [];
  private t: number;

  constructor(
    start: string,
    private readonly defaults: Partial<ComplianceEvent> = {},
  ) {
    this.t = Date.parse(start);
  }

  /** At the current time (one second after the previous event). */
  add(
    type: ComplianceEventType,
    data: Record<string, unknown> = {},
    overrides: Partial<ComplianceEvent> = {},
  ): this {
    return this.after('1s', type, data, overrides);
  }

  after(
    gap: string,
    type: ComplianceEventType,
    data: Record<string, unknown> = {},
    overrides: Partial<ComplianceEvent> = {},
  ): this {
    this.t += duration(gap);
    return this.push(type, data, overrides);
  }

  at(
    iso: string,
    type: ComplianceEventType,
    data: Record<string, unknown> = {},
    overrides: Partial<ComplianceEvent> = {},
  ): this {
    this.t = Date.parse(iso);
    return this.push(type, data, overrides);
  }

  get last(): ComplianceEvent {
    return this.events[this.events.length - 1];
  }

  private push(
    type: ComplianceEventType,
    data: Record<string, unknown>,
    overrides: Partial<ComplianceEvent>,
  ): this {
    const merged = { ...this.defaults, ...overrides };
    this.events.push(
      makeEvent(type, data, {
        ...merged,
        actorId: merged.actorId ?? merged.userId ?? 'u-1',
        occurredAt: new Date(this.t),
      }),
    );
    return this;
  }
}

export function timeline(start: string, defaults: Partial<ComplianceEvent> = {}): Timeline {
  return new Timeline(start, defaults);
}
