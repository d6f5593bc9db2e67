import { Timeline } from '../../../tools/testing/compliance/event-factory';
import { seedRuleSet } from '../rule-packs';
import { ComplianceEvaluator } from './compliance-evaluator';
import type { ComplianceEvent } from './compliance-event';
import {
  decideSupersession,
  lateWindows,
  replayWindow,
  rulesAffectedBy,
  type StoredFindingRef,
} from './late-events';
import { readsActorWindows } from './replay-relevance';
import type { Finding } from './rule';

const rules = seedRuleSet();
const tracking = {
  vendor: 'stats',
  purpose: 'analytics',
  deviceAccess: true,
  strictlyNecessary: false,
  persistentId: true,
};
const analytics = { purpose: 'analytics', basis: 'consent', noticeVersion: 'v1' };

/** What the stage stored: the events in arrival order, each against the state of everything before it. */
function storedAfterArrival(arrivals: ComplianceEvent[][]): StoredFindingRef[] {
  const evaluator = new ComplianceEvaluator(rules);
  let viewers = new Map();
  const found: Finding[] = [];
  for (const batch of arrivals) {
    const r = evaluator.evaluateBatch(batch, { viewers, actors: new Map() });
    found.push(...r.findings);
    viewers = new Map([...viewers, ...r.viewers]);
  }
  return found.map((f) => ({
    dedupKey: f.dedupeKey,
    ruleId: f.ruleId,
    eventId: f.eventId!,
    superseded: false,
  }));
}

function scenario(late: {
  type: 'consent.granted' | 'consent.withdrawn' | 'playback.started';
  data: object;
}) {
  const t = new Timeline('2026-05-04T10:00:00Z', { userId: 'v-late', country: 'DE' })
    .add('account.created', { birthYear: 1990, country: 'DE' })
    .after('1h', late.type, late.data as Record<string, unknown>)
    .after('1h', 'tracking.fired', tracking);
  const [created, lateEvent, fired] = t.events;
  // The late event arrives after the tracking hit it preceded.
  const stored = storedAfterArrival([[created, fired], [lateEvent]]);
  const affected = rulesAffectedBy(rules, [lateEvent]);
  const { findings } = replayWindow(t.events, affected, rules.reference, lateEvent.occurredAt.getTime());
  const inWindow = stored.filter(
    (s) => affected.some((r) => r.def.id === s.ruleId) && s.eventId !== created.eventId,
  );
  return { fired, lateEvent, stored, affected, decision: decideSupersession(inWindow, findings) };
}

describe('late events', () => {
  it('are the events of a viewer older than the state they arrive at; the window starts at the earliest', () => {
    const t = new Timeline('2026-05-04T10:00:00Z', { userId: 'v-1' })
      .add('playback.started', { contentId: 'c' })
      .add('playback.started', { contentId: 'c' })
      .add('playback.started', { contentId: 'c' }, { userId: 'v-2' })
      .add('playback.started', { contentId: 'c' }, { userId: '~platform' });
    const [a, b, other, platform] = t.events;
    const asOf = b.occurredAt.getTime() + 1;
    const before = new Map([
      ['v-1', { asOf }],
      ['v-2', { asOf: null }],
      ['~platform', { asOf: asOf + 10_000 }],
    ]);
    const windows = lateWindows([b, a, other, platform], before);
    expect(windows).toEqual([
      { userId: 'v-1', from: a.occurredAt.getTime(), asOf, firstLateEventId: a.eventId, lateEvents: [b, a] },
    ]);
    // An event at or after the state's time is in order.
    expect(lateWindows([b], new Map([['v-1', { asOf: b.occurredAt.getTime() }]]))).toEqual([]);
  });

  it('re-evaluate only event rules a late event can change, never those counting actor windows', () => {
    const consent = new Timeline('2026-05-04T10:00:00Z').add('consent.granted', analytics).last;
    const affected = rulesAffectedBy(rules, [consent]).map((r) => r.def.id);
    expect(affected).toContain('GDPR-02');
    for (const id of affected) {
      const rule = rules.get(id)!;
      expect(rule.kind).toBe('event');
      expect(readsActorWindows(rule)).toBe(false);
    }
    expect(rules.rules.some((r) => r.kind === 'event' && readsActorWindows(r))).toBe(true);
    // A login failure writes nothing the consent rules read.
    const failure = new Timeline('2026-05-04T10:00:00Z').add('auth.login.failed', {
      reason: 'bad_password',
    }).last;
    expect(rulesAffectedBy(rules, [failure]).map((r) => r.def.id)).not.toContain('GDPR-02');
  });

  it('a late consent grant supersedes the earlier "processing without consent" finding', () => {
    const { fired, lateEvent, stored, decision } = scenario({ type: 'consent.granted', data: analytics });
    const gdpr02 = stored.find((s) => s.ruleId === 'GDPR-02' && s.eventId === fired.eventId);
    expect(gdpr02).toBeDefined();
    expect(decision.supersede).toContain(gdpr02!.dedupKey);
    expect(decision.add).toEqual([]);
    expect(lateEvent.type).toBe('consent.granted');
  });

  it('a late event that changes nothing leaves the findings alone', () => {
    const { fired, stored, decision } = scenario({ type: 'playback.started', data: { contentId: 'c-9' } });
    expect(stored.some((s) => s.ruleId === 'GDPR-02' && s.eventId === fired.eventId)).toBe(true);
    expect(decision).toEqual({ supersede: [], restore: [], add: [] });
  });

  it('a late withdrawal before processing that had consent raises the finding the order hid', () => {
    const t = new Timeline('2026-05-04T10:00:00Z', { userId: 'v-late', country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .after('1h', 'consent.granted', analytics)
      .after('1h', 'tracking.fired', tracking)
      .after('1h', 'tracking.fired', tracking);
    const [created, granted, firstHit, secondHit] = t.events;
    const withdrawn = new Timeline('2026-05-04T12:30:00Z', { userId: 'v-late', country: 'DE' }).add(
      'consent.withdrawn',
      analytics,
    ).last;
    const stored = storedAfterArrival([[created, granted, firstHit, secondHit], [withdrawn]]).filter(
      (s) => s.ruleId !== 'GDPR-02' || s.eventId !== created.eventId,
    );
    expect(stored.filter((s) => s.eventId === secondHit.eventId && s.ruleId.startsWith('GDPR-0'))).toEqual(
      [],
    );
    const affected = rulesAffectedBy(rules, [withdrawn]);
    const all = [...t.events, withdrawn];
    const { findings } = replayWindow(all, affected, rules.reference, withdrawn.occurredAt.getTime());
    const inWindow = stored.filter((s) => s.eventId === secondHit.eventId || s.eventId === withdrawn.eventId);
    const decision = decideSupersession(inWindow, findings);
    expect(decision.supersede).toEqual([]);
    expect(decision.add.length).toBeGreaterThan(0);
    expect(decision.add.every((f) => f.eventId === secondHit.eventId)).toBe(true);
    // The hit before the withdrawal had consent: nothing is raised for it.
    expect(findings.some((f) => f.eventId === firstHit.eventId)).toBe(false);
  });

  it('match findings by rule and event, restore a superseded one raised again, and add only new ones', () => {
    const f = (ruleId: string, eventId: string, version = 2) =>
      ({ ruleId, eventId, ruleVersion: version, dedupeKey: `${ruleId}@${version}:v:${eventId}` }) as Finding;
    const stored: StoredFindingRef[] = [
      { dedupKey: 'R1@1:v:e1', ruleId: 'R1', eventId: 'e1', superseded: false },
      { dedupKey: 'R1@1:v:e2', ruleId: 'R1', eventId: 'e2', superseded: false },
      { dedupKey: 'R2@1:v:e2', ruleId: 'R2', eventId: 'e2', superseded: true },
      { dedupKey: 'R2@1:v:e3', ruleId: 'R2', eventId: 'e3', superseded: true },
    ];
    const decision = decideSupersession(stored, [f('R1', 'e1'), f('R2', 'e2'), f('R3', 'e3')]);
    expect(decision.supersede).toEqual(['R1@1:v:e2']);
    expect(decision.restore).toEqual(['R2@1:v:e2']);
    expect(decision.add.map((x) => x.dedupeKey)).toEqual(['R3@2:v:e3']);
  });
});
