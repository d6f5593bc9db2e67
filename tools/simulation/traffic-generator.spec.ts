import { describeUserAgent } from '../../src/ingestion/domain/event-normaliser';
import { parseTimestampMs } from '../../src/ingestion/domain/event-formats';
import { EVENT_TYPES } from '../../src/ingestion/domain/event-types';
import { EventValidator } from '../../src/ingestion/dto/event-validator';
import { findConsentOrderViolations } from './consent-order-checker';
import { GroundTruthRecorder } from './ground-truth';
import { slotsWithin } from './pacing';
import { type SimEvent, TrafficGenerator, type TrafficOptions } from './traffic-generator';
import { isEea, localHour } from './world';

const START = Date.parse('2026-11-27T20:00:00Z');
const MINUTE = 60_000;

/** Rare behaviours made common, so a short run shows every event type. */
const BUSY_RATES: TrafficOptions['rates'] = {
  loginFailure: 0.4,
  passwordReset: 0.5,
  consentWithdrawal: 0.4,
  consentGrant: 0.4,
  dsr: 0.35,
  dsrExtension: 0.5,
  dsrRefusal: 0.3,
  accountClosure: 0.05,
  staffAccess: 0.6,
  share: 0.8,
  clientError: 0.2,
  apiError: 0.2,
  breach: 0.02,
};

function run(options: Partial<TrafficOptions> & { minutes: number }): {
  generator: TrafficGenerator;
  events: SimEvent[];
} {
  const { minutes, ...rest } = options;
  const generator = new TrafficGenerator({
    seed: 11,
    users: 500,
    rate: 20,
    startMs: START,
    durationMs: minutes * MINUTE,
    ...rest,
  });
  const events = generator.take(Math.round((rest.rate ?? 20) * minutes * 60));
  return { generator, events: [...events, ...generator.closeOut(START + minutes * MINUTE)] };
}

describe('TrafficGenerator', () => {
  describe('determinism', () => {
    it('gives the same events, ids included, for the same seed and start', () => {
      const a = run({ minutes: 3 }).events;
      const b = run({ minutes: 3 }).events;
      expect(b).toEqual(a);
    });

    it('gives other viewers and other events for another seed', () => {
      const a = run({ minutes: 1 }).events;
      const b = run({ minutes: 1, seed: 12 }).events;
      const ids = new Set(a.map((e) => e.event.eventId));
      expect(b.some((e) => ids.has(e.event.eventId))).toBe(false);
      expect(b[0].event.userId).not.toBe(a[0].event.userId);
    });
  });

  describe('the event contract', () => {
    const { events } = run({ minutes: 20, users: 400, rates: BUSY_RATES });
    const now = () => START + 21 * MINUTE;

    it('covers every event type', () => {
      const types = new Set(events.map((e) => e.event.type));
      expect([...EVENT_TYPES].filter((t) => !types.has(t))).toEqual([]);
    });

    it('produces only events the contract accepts', () => {
      const validator = new EventValidator({ now });
      const refused = events
        .map((e) => ({ e, outcome: validator.validate(e.event) }))
        .filter(({ outcome }) => !outcome.ok)
        .slice(0, 5)
        .map(({ e, outcome }) => ({ type: e.event.type, errors: outcome.ok ? [] : outcome.errors }));
      expect(refused).toEqual([]);
    });

    it('uses unique event ids', () => {
      expect(new Set(events.map((e) => e.event.eventId)).size).toBe(events.length);
    });
  });

  describe('pacing', () => {
    const rate = 40;
    const { events } = run({ minutes: 5, rate });
    const live = events.slice(0, rate * 300);

    it('releases events in time order, rate per second, never bunched', () => {
      for (let i = 1; i < live.length; i++)
        expect(live[i].releaseAt).toBeGreaterThanOrEqual(live[i - 1].releaseAt);
      for (let second = 0; second < 300; second += 17) {
        const from = START + second * 1000;
        const inWindow = live.filter((e) => e.releaseAt >= from && e.releaseAt < from + 10_000).length;
        expect(Math.abs(inWindow - slotsWithin(rate, 10_000))).toBeLessThanOrEqual(1);
      }
    });

    it('stamps events with their release time, except the backdated history of a scenario', () => {
      for (const e of live) {
        const at = parseTimestampMs(e.event.occurredAt);
        expect(at).toBeLessThanOrEqual(e.releaseAt);
        if (at !== e.releaseAt) expect(e.releaseAt - at).toBeGreaterThan(7 * 86_400_000);
      }
    });
  });

  describe('population', () => {
    const { generator } = run({ minutes: 0.1, users: 5000 });
    const viewers = generator.population.viewers;

    it('is weighted to the EEA, the UK, the US, Brazil and Canada, with others', () => {
      const share = (test: (c: string) => boolean) =>
        viewers.filter((v) => test(v.country)).length / viewers.length;
      expect(share(isEea)).toBeGreaterThan(0.3);
      expect(share((c) => c === 'GB')).toBeGreaterThan(0.05);
      expect(share((c) => c === 'US')).toBeGreaterThan(0.15);
      expect(share((c) => c === 'BR')).toBeGreaterThan(0.04);
      expect(share((c) => c === 'CA')).toBeGreaterThan(0.02);
      expect(share((c) => !isEea(c) && !['GB', 'US', 'BR', 'CA'].includes(c))).toBeGreaterThan(0.05);
    });

    it('has children, teens and adults', () => {
      const ages = viewers.map((v) => 2026 - v.birthYear - 1);
      expect(ages.filter((a) => a < 13).length).toBeGreaterThan(50);
      expect(ages.filter((a) => a >= 13 && a < 18).length).toBeGreaterThan(150);
      expect(ages.filter((a) => a >= 18).length).toBeGreaterThan(4000);
    });

    it('watches on smart TVs, phones, tablets, browsers and consoles with user agents the normaliser recognises', () => {
      const classes = new Set(
        viewers.flatMap((v) => v.devices.map((d) => describeUserAgent(d.userAgent).device)),
      );
      for (const c of ['smart_tv', 'mobile', 'tablet', 'desktop', 'console']) expect(classes).toContain(c);
      expect(new Set(viewers.map((v) => v.devices[0].kind))).toEqual(
        new Set(['smart_tv', 'mobile', 'tablet', 'web', 'console']),
      );
    });
  });

  describe('daily rhythm', () => {
    /** The first sign-ups of a run starting at `iso`, with the local hour of each viewer. */
    function signUps(iso: string): Array<{ country: string; localHour: number }> {
      const startMs = Date.parse(iso);
      const generator = new TrafficGenerator({ seed: 5, users: 8000, rate: 50, startMs, scenarios: [] });
      const byId = new Map(generator.population.viewers.map((v) => [v.id, v]));
      return generator
        .take(1500)
        .filter((e) => e.event.type === 'account.created')
        .map((e) => {
          const viewer = byId.get(e.event.userId!)!;
          return { country: viewer.country, localHour: localHour(e.releaseAt, viewer.tzOffsetMinutes) };
        });
    }

    it('draws viewers where it is evening far more than where it is night', () => {
      const europeanEvening = signUps('2026-11-27T20:00:00Z'); // 21:00 in Berlin, 15:00 in New York
      const europeanNight = signUps('2026-11-27T03:00:00Z'); // 04:00 in Berlin, 22:00 in New York
      const share = (list: typeof europeanEvening, test: (s: (typeof list)[number]) => boolean) =>
        list.filter(test).length / list.length;
      const european = (s: { country: string }) => isEea(s.country) || s.country === 'GB';
      expect(share(europeanEvening, european)).toBeGreaterThan(2 * share(europeanNight, european));
      for (const list of [europeanEvening, europeanNight]) {
        expect(share(list, (s) => s.localHour >= 18)).toBeGreaterThan(0.45);
      }
    });
  });

  describe('clean behaviour', () => {
    it('never processes before consent, nor a child’s data without a parent, with every behaviour made common', () => {
      const { events } = run({ minutes: 20, users: 400, rates: BUSY_RATES, scenarios: [] });
      expect(findConsentOrderViolations(events.map((e) => e.event))).toEqual([]);
    });

    it('keeps clean viewers clean next to the scenarios', () => {
      const { generator, events } = run({ minutes: 15, users: 600, rate: 30 });
      const recorder = new GroundTruthRecorder(11, 600, generator.scenarios);
      for (const e of events) recorder.record(e);
      const truth = recorder.build(new Date(START));
      const clean = new Set(truth.cleanViewers);
      expect(clean.size).toBeGreaterThan(100);
      const violations = findConsentOrderViolations(events.map((e) => e.event));
      expect(violations.filter((v) => clean.has(v.userId))).toEqual([]);
      expect(violations.length).toBeGreaterThan(0);
    });

    it('grants each consent before the first event that relies on it', () => {
      const { events } = run({ minutes: 10, scenarios: [] });
      const firstUse = new Map<string, number>();
      const granted = new Map<string, number>();
      for (const { event } of events) {
        const at = parseTimestampMs(event.occurredAt);
        if (event.type === 'consent.granted' && !granted.has(`${event.userId}:${event.data.purpose}`)) {
          granted.set(`${event.userId}:${event.data.purpose}`, at);
        }
        const purpose =
          event.type === 'tracking.fired' && !event.data.strictlyNecessary
            ? event.data.purpose
            : event.type === 'ad.served' && event.data.targeting !== 'contextual'
              ? (event.data.purpose ?? 'ads_targeting')
              : event.type === 'playback.started' && event.data.personalised
                ? 'personalisation'
                : null;
        if (purpose !== null && !firstUse.has(`${event.userId}:${purpose}`))
          firstUse.set(`${event.userId}:${purpose}`, at);
      }
      expect(firstUse.size).toBeGreaterThan(100);
      for (const [key, at] of firstUse)
        expect({ key, before: (granted.get(key) ?? Infinity) < at }).toEqual({ key, before: true });
    });
  });

  describe('closeOut', () => {
    it('answers every request left open by normal behaviour, once', () => {
      const generator = new TrafficGenerator({
        seed: 3,
        users: 300,
        rate: 20,
        startMs: START,
        scenarios: [],
        rates: { dsr: 0.6 },
      });
      const events = generator.take(3000);
      const at = events[events.length - 1].releaseAt + 1;
      const closing = generator.closeOut(at);
      const opened = new Set(
        events
          .filter((e) => e.event.type === 'dsr.opened')
          .map((e) => (e.event.data as { requestId: string }).requestId),
      );
      const closed = new Set(
        [...events, ...closing]
          .filter((e) => e.event.type === 'dsr.completed' || e.event.type === 'dsr.refused')
          .map((e) => (e.event.data as { requestId: string }).requestId),
      );
      expect(closing.length).toBeGreaterThan(0);
      expect([...opened].filter((id) => !closed.has(id))).toEqual([]);
      expect(generator.closeOut(at + 10)).toEqual([]);
    });
  });
});
