import { seedReferenceData, seedRuleSet } from '../rule-packs';
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import { syntheticEvents } from '../../../tools/testing/compliance/synthetic-events';
import { applyActorEvent, applyActorEventInPlace, applyEvent } from '../domain/viewer-state-reducer';
import { countDistinct, countEvents } from '../domain/windowed-activity';
import { makeEvent } from '../../../tools/testing/compliance/event-factory';
import { requestSchedule, requestStatus } from './compliance-state.store';
import { parseActorState, parseViewerState } from './state-codec';
import {
  findingUserId,
  isTransientSubject,
  PLATFORM_SUBJECT,
  toComplianceEvent,
  tupleToComplianceEvent,
  type StoredEventRow,
} from './stored-events';

const row = (overrides: Partial<StoredEventRow> = {}): StoredEventRow => ({
  event_id: '5d952270-b7b6-40a5-a8f9-274e20e6a95f',
  at_ms: Date.parse('2026-03-01T10:00:00Z'),
  type: 'playback.started',
  user_id: 'v-1',
  actor_type: 'viewer',
  actor_id: 'v-1',
  country: 'FR',
  ip_prefix: '203.0.113.0/24',
  device_id: 'd-1',
  session_id: 's-1',
  data: { contentId: 't-1' },
  ...overrides,
});

describe('stored events → ComplianceEvent', () => {
  it('maps the columns, and takes the GPC signal out of data', () => {
    const e = toComplianceEvent(row({ data: { contentId: 't-1', gpc: true } }));
    expect(e).toMatchObject({
      userId: 'v-1',
      actorType: 'viewer',
      country: 'FR',
      gpc: true,
      data: { contentId: 't-1' },
    });
    expect(e.occurredAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(toComplianceEvent(row()).gpc).toBe(false);
  });

  it('keeps subject-less breaches under the platform subject, and other subject-less events transient', () => {
    const breach = toComplianceEvent(row({ type: 'security.breach.confirmed', user_id: null }));
    expect(breach.userId).toBe(PLATFORM_SUBJECT);
    expect(isTransientSubject(breach.userId)).toBe(false);
    const error = toComplianceEvent(row({ type: 'api.error', user_id: null }));
    expect(isTransientSubject(error.userId)).toBe(true);
    expect(findingUserId(breach.userId)).toBeNull();
    expect(findingUserId(error.userId)).toBeNull();
    expect(findingUserId('v-1')).toBe('v-1');
  });

  it('reads the one-column JSON form the back-tester fetches the same way', () => {
    const r = row();
    const tuple = [
      r.event_id,
      r.at_ms,
      r.type,
      r.user_id,
      r.actor_type,
      r.actor_id,
      r.country,
      r.ip_prefix,
      r.device_id,
      r.session_id,
      r.data,
    ] as const;
    expect(tupleToComplianceEvent([...tuple])).toEqual(toComplianceEvent(r));
  });
});

describe('state codec', () => {
  it('restores prototype-less key maps, so a viewer called "constructor" is counted like any other', () => {
    let actor = applyActorEvent(
      undefined,
      makeEvent(
        'data.accessed',
        { recordCount: 1 },
        { userId: 'constructor', actorType: 'staff', actorId: 's-1' },
      ),
    );
    const at = actor.access.buckets[0].b * 60_000;
    const parsed = parseActorState('s-1', 'staff', JSON.parse(JSON.stringify(actor)));
    // The stage updates parsed states in place (no copy that would rebuild the map).
    applyActorEventInPlace(
      parsed,
      makeEvent(
        'data.accessed',
        { recordCount: 1 },
        { userId: 'toString', actorType: 'staff', actorId: 's-1', occurredAt: new Date(at + 1000) },
      ),
    );
    actor = parsed;
    expect(countEvents(actor.access, at + 1000, 3_600_000)).toBe(2);
    expect(countDistinct(actor.access, at + 1000, 3_600_000)).toBe(2);
  });

  it('turns a new row (no state yet) into an empty state', () => {
    expect(parseViewerState('v-9', null)).toMatchObject({ userId: 'v-9', asOf: null, consents: {} });
    const state = applyEvent(
      undefined,
      makeEvent('consent.granted', { purpose: 'analytics', basis: 'consent' }),
    );
    expect(parseViewerState('u-1', JSON.parse(JSON.stringify(state)))).toEqual(
      JSON.parse(JSON.stringify(state)),
    );
  });
});

describe('request rows', () => {
  const reference = seedReferenceData();
  const opened = applyEvent(
    undefined,
    makeEvent(
      'dsr.opened',
      { requestId: 'r-1', type: 'access', jurisdiction: 'GB' },
      { occurredAt: new Date('2026-03-01T10:00:00Z') },
    ),
  );

  it('takes the calendar from the jurisdiction and computes the due date; a pause stops the UK clock', () => {
    const now = new Date('2026-03-05T10:00:00Z');
    expect(requestSchedule(opened.dsrs['r-1'], reference, now)).toMatchObject({
      calendar: 'UK_GDPR',
      due: Date.parse('2026-04-01T23:59:59.999Z'),
    });
    const paused = applyEvent(
      opened,
      makeEvent('dsr.paused', { requestId: 'r-1' }, { occurredAt: new Date('2026-03-02T10:00:00Z') }),
    );
    expect(requestStatus(paused.dsrs['r-1'])).toBe('paused');
    const { due, pausedMs } = requestSchedule(paused.dsrs['r-1'], reference, now);
    expect(pausedMs).toBe(3 * 86_400_000);
    expect(due).toBe(Date.parse('2026-04-01T23:59:59.999Z') + pausedMs);
  });

  it('calls an unknown jurisdiction "unknown", with the GDPR month as an indication', () => {
    const other = applyEvent(
      undefined,
      makeEvent('dsr.opened', { requestId: 'r-2', type: 'access', jurisdiction: 'JP' }),
    );
    expect(requestSchedule(other.dsrs['r-2'], reference, new Date())).toMatchObject({ calendar: 'unknown' });
    const done = applyEvent(other, makeEvent('dsr.completed', { requestId: 'r-2' }));
    expect(requestStatus(done.dsrs['r-2'])).toBe('completed');
  });
});

describe('copy-on-write sections (what the stage writes back)', () => {
  it('gives every section an event changes a new object, so unchanged sections can be skipped', () => {
    const evaluator = new ComplianceEvaluator(seedRuleSet());
    const sections = [
      'profile',
      'consents',
      'dsrs',
      'signals',
      'holdings',
      'recipients',
      'loginFailures',
      'countriesSeen',
      'breaches',
    ] as const;
    let stored = new Map<string, ReturnType<typeof parseViewerState>>();
    const events = [...syntheticEvents(8_000, 200, 0.5)];
    let skipped = 0;
    for (let i = 0; i < events.length; i += 500) {
      // States as the stage reads them: parsed from JSON.
      const loaded = new Map(
        [...stored].map(([id, s]) => [id, parseViewerState(id, JSON.parse(JSON.stringify(s)))]),
      );
      const snapshot = new Map([...loaded].map(([id, s]) => [id, JSON.stringify(s)]));
      const result = evaluator.evaluateBatch(events.slice(i, i + 500), {
        viewers: loaded,
        actors: new Map(),
      });
      for (const [id, after] of result.viewers) {
        const before = loaded.get(id);
        if (!before) continue;
        const original = JSON.parse(snapshot.get(id)!);
        for (const section of sections) {
          if (after[section] === before[section]) {
            skipped++;
            expect(JSON.parse(JSON.stringify(after[section]))).toEqual(original[section]);
          }
        }
      }
      stored = new Map([...stored, ...result.viewers]);
    }
    expect(skipped).toBeGreaterThan(500);
  });
});
