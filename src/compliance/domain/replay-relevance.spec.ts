import { SEED_RULES, seedRuleLanguage } from '../rule-packs';
import { backtestRule } from './backtest';
import type { ComplianceEvent } from './compliance-event';
import { replayEventTypes, replays } from './replay-relevance';
import type { RuleDefinition } from './rule';
import { timeline } from '../../../tools/testing/compliance/event-factory';
import { syntheticEvents } from '../../../tools/testing/compliance/synthetic-events';

const language = seedRuleLanguage();
const compile = (def: RuleDefinition) => language.compile(def);
const eventRules = SEED_RULES.filter((r) => !r.triggers.some((t) => t.startsWith('schedule.')));

/** A mix with few consents at sign-up, so that most rules find something. */
const events: ComplianceEvent[] = [...syntheticEvents(15_000, 2_000, 0.3)];

function rule(overrides: Partial<RuleDefinition>): RuleDefinition {
  return { ...SEED_RULES.find((r) => r.id === 'GDPR-01')!, findingSeverityOverride: undefined, ...overrides };
}

describe('replayEventTypes', () => {
  it('keeps the triggers and the writers of the state a rule reads', () => {
    const filter = replayEventTypes([compile(SEED_RULES.find((r) => r.id === 'GDPR-01')!)]);
    expect(filter?.gpcSignals).toBe(false);
    expect([...filter!.types].sort()).toEqual(
      [
        'ad.served',
        'consent.granted',
        'consent.withdrawn',
        'data.accessed',
        'data.exported',
        'data.shared',
        'tracking.fired',
      ].sort(),
    );
  });

  it('reads explanations and severity overrides too', () => {
    const filter = replayEventTypes([
      compile(rule({ condition: 'true', explanation: '"first login from " + viewer.lastLoginCountry' })),
    ]);
    expect(filter?.types).toContain('auth.login.succeeded');
    const override = replayEventTypes([
      compile(
        rule({
          condition: 'true',
          explanation: undefined,
          findingSeverityOverride: [{ when: 'viewer.age < 18.0', severity: 'critical' }],
        }),
      ),
    ]);
    expect(override?.types).toContain('account.age_verified');
  });

  it('gives up (every event) on state that any event changes, or a state variable used whole', () => {
    expect(replayEventTypes([compile(rule({ condition: 'viewer.lastActivityAt > 0.0' }))])).toBeNull();
    expect(replayEventTypes([compile(rule({ condition: 'viewer.known' }))])).toBeNull();
    // The GPC signal comes with events of any type, but only with those that carry it.
    expect(replayEventTypes([compile(rule({ condition: 'viewer.gpcAt > 0.0' }))])?.gpcSignals).toBe(true);
  });

  it('counts actor windows as data.accessed, but not the actor id', () => {
    expect(
      replayEventTypes([
        compile(rule({ triggers: ['ad.served'], condition: 'actor.id == "x"', explanation: undefined })),
      ])?.types,
    ).toEqual(new Set(['ad.served']));
    expect(
      replayEventTypes([
        compile(
          rule({
            triggers: ['ad.served'],
            condition: 'actor.distinctViewers(60) > 3.0',
            explanation: undefined,
          }),
        ),
      ])?.types,
    ).toEqual(new Set(['ad.served', 'data.accessed']));
  });

  // `true || (condition)` fires on every trigger event yet reads (and reports in stateRead) everything the
  // condition reads: the check compares the state each rule sees at every one of its events, not only
  // its findings (which are few, or none, for some rules in a synthetic stream).
  it.each(eventRules.map((r) => [r.id, r] as const))(
    'replaying only the relevant events shows %s the same state at every trigger as replaying them all',
    (_id, def) => {
      const probe: RuleDefinition = {
        ...def,
        version: def.version + 1,
        condition: `true || (${def.condition})`,
      };
      const filter = replayEventTypes([compile(probe)]);
      expect(filter).toEqual(replayEventTypes([compile(def)]));
      const relevant = events.filter((e) => replays(filter, e));
      const options = { draft: probe, current: def, language, sampleSize: events.length };
      const all = backtestRule(events, options);
      const some = backtestRule(relevant, options);
      expect(some.draft.total).toBe(all.draft.total);
      expect(some.current?.total).toBe(all.current?.total);
      expect(
        some.draft.samples.map((f) => [
          f.eventId,
          f.severity,
          f.explanation,
          f.evidenceEventIds,
          f.stateRead,
        ]),
      ).toEqual(
        all.draft.samples.map((f) => [f.eventId, f.severity, f.explanation, f.evidenceEventIds, f.stateRead]),
      );
    },
  );

  it('keeps the account and age events a rule depends on even when the event itself says otherwise', () => {
    // A German account watching from the US (GDPR-02), a 15-year-old by verification only (DSA-01).
    const t = timeline('2026-05-04T10:00:00Z', { userId: 'u-travel', country: 'US' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('account.age_verified', { age: 15, method: 'id_document' })
      .add('playback.started', { contentId: 't-1', personalised: false })
      .add('ad.served', { targeting: 'profiled', segments: ['gaming'], purpose: 'ads_targeting' });
    for (const id of ['GDPR-02', 'DSA-01']) {
      const def = SEED_RULES.find((r) => r.id === id)!;
      const filter = replayEventTypes([compile(def)]);
      const relevant = t.events.filter((e) => replays(filter, e));
      expect(relevant.length).toBeLessThan(t.events.length);
      const all = backtestRule(t.events, { draft: def, current: null, language });
      const some = backtestRule(relevant, { draft: def, current: null, language });
      expect([id, all.draft.total]).toEqual([id, 1]);
      expect(some.draft.total).toBe(1);
    }
  });

  it('lets most shipped rules skip most of the stream', () => {
    const filters = eventRules.map((def) => replayEventTypes([compile(def)]));
    expect(filters.every((f) => f !== null)).toBe(true);
    const skipping = filters.filter((f) => events.filter((e) => replays(f, e)).length < events.length * 0.8);
    expect(skipping.length).toBeGreaterThan(eventRules.length / 2);
  });
});
