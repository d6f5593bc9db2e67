import { SEED_RULES, seedRuleLanguage } from '../rule-packs';
import { backtestRule, backtestRuleStream } from './backtest';
import type { RuleDefinition } from './rule';
import { withParameters } from './rule-language';
import { timeline } from '../../../tools/testing/compliance/event-factory';
import { syntheticEvents } from '../../../tools/testing/compliance/synthetic-events';
import { applyEvent } from './viewer-state-reducer';

const language = seedRuleLanguage();
const current = SEED_RULES.find((r) => r.id === 'GDPR-01')!;

/** Viewers withdraw personalisation consent; a service reads their history 1 h or 3 h later, or plays personalised. */
function stream() {
  const t = timeline('2026-05-04T08:00:00Z', { country: 'DE' });
  const read = { categories: ['viewing_history'], purpose: 'personalisation', recordCount: 1 };
  for (const [userId, gap] of [
    ['u-early', '1h'],
    ['u-late', '3h'],
  ] as const) {
    t.add('account.created', { birthYear: 1980, country: 'DE' }, { userId })
      .add('consent.granted', { purpose: 'personalisation', basis: 'consent' }, { userId })
      .after('1m', 'consent.withdrawn', { purpose: 'personalisation', basis: 'consent' }, { userId })
      .after(gap, 'data.accessed', read, { userId, actorType: 'service', actorId: 'recsys' });
  }
  t.at(
    '2026-05-05T09:00:00Z',
    'playback.started',
    { contentId: 't-1', personalised: true },
    { userId: 'u-late' },
  );
  t.after('1h', 'data.accessed', read, { userId: 'u-late', actorType: 'service', actorId: 'recsys' });
  return t.events;
}

describe('backtestRule', () => {
  it('diffs a changed version against the current one: findings that disappear', () => {
    const draft: RuleDefinition = { ...withParameters(current, { graceMinutes: 120 }), version: 2 };
    const result = backtestRule(stream(), { draft, current, language });
    expect(result.current).toMatchObject({ total: 3, byDay: { '2026-05-04': 2, '2026-05-05': 1 } });
    expect(result.draft).toMatchObject({ total: 2, byDay: { '2026-05-04': 1, '2026-05-05': 1 } });
    expect(result.diff).toMatchObject({ appeared: 0, disappeared: 1, unchanged: 2 });
    expect(result.diff.disappearedSamples.map((f) => [f.userId, f.ruleVersion])).toEqual([['u-early', 1]]);
  });

  it('diffs a changed version against the current one: findings that appear', () => {
    const draft: RuleDefinition = {
      ...current,
      version: 2,
      triggers: [...current.triggers, 'playback.started'],
    };
    const result = backtestRule(stream(), { draft, current, language });
    expect(result.diff).toMatchObject({ appeared: 1, disappeared: 0, unchanged: 3 });
    const [appeared] = result.diff.appearedSamples;
    expect(appeared).toMatchObject({ userId: 'u-late', ruleVersion: 2 });
    expect(appeared.explanation).toMatch(/playback of t-1 started with personalisation/);
  });

  it('back-tests a new rule (no current version): counts by day and samples', () => {
    const draft: RuleDefinition = {
      ...current,
      id: 'GDPR-01-PLAYBACK',
      triggers: ['playback.started'],
      findingSeverityOverride: undefined,
    };
    const result = backtestRule(stream(), { draft, current: null, language, sampleSize: 5 });
    expect(result.current).toBeNull();
    expect(result.draft).toMatchObject({ total: 1, byDay: { '2026-05-05': 1 }, errors: 0 });
    expect(result.draft.samples[0].ruleId).toBe('GDPR-01-PLAYBACK');
    expect(result.eventsReplayed).toBe(stream().length);
  });

  it('can start from given states instead of empty ones', () => {
    const before = timeline('2026-04-01T08:00:00Z', { country: 'DE' })
      .add('account.created', { birthYear: 1980, country: 'DE' })
      .add('consent.withdrawn', { purpose: 'personalisation', basis: 'consent' });
    const state = before.events.reduce(
      (s, e) => applyEvent(s, e),
      undefined as ReturnType<typeof applyEvent> | undefined,
    )!;
    const later = timeline('2026-05-04T08:00:00Z').add(
      'data.accessed',
      { categories: ['viewing_history'], purpose: 'personalisation' },
      { actorType: 'service', actorId: 'recsys' },
    ).events;
    const fromEmpty = backtestRule(later, { draft: current, current: null, language });
    const fromState = backtestRule(later, {
      draft: current,
      current: null,
      language,
      initialStates: { viewers: new Map([['u-1', state]]), actors: new Map() },
    });
    expect(fromEmpty.draft.total).toBe(0);
    expect(fromState.draft.total).toBe(1);
  });

  it('accepts an async stream (a database cursor)', async () => {
    async function* cursor() {
      for (const e of stream()) yield e;
    }
    const result = await backtestRuleStream(cursor(), { draft: current, current, language });
    expect(result.draft.total).toBe(3);
  });

  it('replays in one pass, fast (prints the measured rate)', () => {
    const events = [...syntheticEvents(200_000, 20_000)];
    const draft: RuleDefinition = { ...withParameters(current, { graceMinutes: 60 }), version: 2 };
    const result = backtestRule(events, { draft, current, language });
    const perSecond = Math.round(events.length / (result.durationMs / 1000));
    console.log(
      `back-test: ${events.length} events in ${result.durationMs} ms → ${perSecond.toLocaleString('en')} events/s ` +
        `(1 M events ≈ ${(1e6 / perSecond).toFixed(1)} s); draft ${result.draft.total} vs current ${result.current?.total} findings`,
    );
    expect(result.eventsReplayed).toBe(200_000);
    expect(result.diff.disappeared).toBeGreaterThan(0);
    expect(perSecond).toBeGreaterThan(20_000);
  });
});
