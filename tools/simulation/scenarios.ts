/**
 * Labelled misbehaviour: each scenario takes a few viewers (or one staff member) and plays the violating
 * sequence of the rule catalog (shared/reference/rule-catalog.md §1) around otherwise normal traffic.
 * Steps of the sequence carry a label; `trigger` steps are the events a rule or the anomaly model should
 * flag, and name the seed rules expected to fire on them (for the ground truth).
 */
import type { ConsentPurpose, DsrType } from '../../src/ingestion/domain/event-vocabulary';
import { drawDevice, ipv4In, relocate, type StaffMember, type Viewer } from './population';
import type { SeededRng } from './seeded-rng';
import {
  type ClientSession,
  type Script,
  seconds,
  type ScenarioName,
  type SimulationState,
  step,
  type Step,
  type StepLabel,
} from './simulation-state';
import {
  adFor,
  analyticsPixel,
  consentEvent,
  jurisdictionOf,
  login,
  onboarding,
  pickTitle,
  socialPixel,
  watch,
  type Flow,
} from './viewer-behaviour';
import {
  AD_SEGMENTS,
  ATTACK_USER_AGENTS,
  ATTACKER_NETWORKS,
  COUNTRIES,
  isEea,
  OFFSHORE_RECIPIENTS,
  parentalConsentAge,
  youngestAge,
} from './world';

export type { ScenarioName } from './simulation-state';

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'credential_stuffing',
  'account_sharing',
  'insider_bulk_access',
  'tracking_without_consent',
  'vppa_disclosure',
  'child_without_parental_consent',
  'dsr_overdue',
  'transfer_without_adequacy',
  'sale_after_opt_out',
];

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** One viewer (or staff member) playing a scenario from `startAt`. */
export interface ScenarioInstance {
  scenario: ScenarioName;
  viewer?: Viewer;
  actor?: StaffMember;
  startAt: number;
  variant: string;
  /** Events this instance should stay around (its share of the run's scenario budget). */
  budget: number;
}

interface ScenarioDefinition {
  name: ScenarioName;
  summary: string;
  /** Share of the population (of viewers) the scenario takes. */
  share: number;
  /** Rough number of events one instance emits, to keep scenarios a small part of the traffic. */
  eventsPerInstance: number;
  /** Viewers the scenario can use as they are (actor scenarios have none). */
  eligible?(viewer: Viewer, sim: SimulationState, atMs: number): boolean;
  /** Rewrites a viewer to fit, when too few are eligible (small populations). */
  adapt?(viewer: Viewer, rng: SeededRng, atMs: number): void;
  variant?(viewer: Viewer | undefined, rng: SeededRng): string;
  script(sim: SimulationState, instance: ScenarioInstance): Script;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A wait inside a scenario sequence, scaled to the run (see SimulationState.scenarioPace). */
function paced(sim: SimulationState, minSeconds: number, maxSeconds: number): number {
  return Math.max(200, Math.round(seconds(sim.rng, minSeconds, maxSeconds) * sim.scenarioPace));
}

const adult = (v: Viewer, _sim: SimulationState, at: number) => youngestAge(v.birthYear, at) >= 18;
const makeAdult = (v: Viewer, rng: SeededRng, at: number) => {
  if (youngestAge(v.birthYear, at) < 18) v.birthYear = new Date(at).getUTCFullYear() - 1 - rng.int(20, 60);
};
const eeaCodes = COUNTRIES.filter((c) => isEea(c.code)).map((c) => c.code);

function label(scenario: ScenarioName, role: StepLabel['role'], extra: Partial<StepLabel> = {}): StepLabel {
  return { scenario, role, ...extra };
}

/** Opens a session as the viewer, signing up first if the platform has not seen them yet. */
function* arrive(
  sim: SimulationState,
  viewer: Viewer,
  purposes?: readonly ConsentPurpose[],
): Generator<Step, ClientSession, number> {
  const session = sim.openSession(viewer);
  if (!sim.runtime(viewer).onboarded)
    yield* onboarding(sim, session, purposes === undefined ? {} : { purposes });
  return session;
}

function* successfulLogin(
  sim: SimulationState,
  session: ClientSession,
  delayMs: number,
  l?: StepLabel,
): Flow {
  const at = yield step(delayMs, (t) => sim.factory.build('auth.login.succeeded', t, session.origin), l);
  sim.runtime(session.viewer).loginCountries.add(session.origin.country ?? session.viewer.country);
  return at;
}

function* briefPlayback(sim: SimulationState, session: ClientSession, from: number, l?: StepLabel): Flow {
  const { rng, factory } = sim;
  const viewer = session.viewer;
  const title = pickTitle(rng, viewer, from);
  yield step(
    paced(sim, 3, 15),
    (t) =>
      factory.build('playback.started', t, session.origin, {
        contentId: title.contentId,
        title: title.title,
        rating: title.rating,
        genre: title.genre,
        personalised: sim.granted(viewer, 'personalisation', t),
      }),
    l,
  );
  return yield step(paced(sim, 20, 90), (t) =>
    factory.build('playback.stopped', t, session.origin, {
      contentId: title.contentId,
      positionSeconds: rng.int(60, title.runtime),
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------

const credentialStuffing: ScenarioDefinition = {
  name: 'credential_stuffing',
  summary:
    'Failed logins from several botnet addresses, a successful login from a country the viewer never used, then an export of their data (SEC-01).',
  share: 0.004,
  eventsPerInstance: 30,
  eligible: adult,
  adapt: makeAdult,
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const home = yield* arrive(sim, viewer);
    let at = yield* successfulLogin(sim, home, paced(sim, 2, 6));
    at = yield* briefPlayback(sim, home, at);

    const networks = rng.sample(ATTACKER_NETWORKS, rng.int(3, 5));
    const addresses = new Map<string, string>(); // /24 → address, so every address is a distinct network
    while (addresses.size < networks.length) {
      const network = networks[addresses.size];
      const ip = ipv4In(rng, rng.pick(network.ipv4));
      addresses.set(ip.split('.').slice(0, 3).join('.'), ip);
    }
    const ips = [...addresses.values()];
    const tool = rng.pick(ATTACK_USER_AGENTS);
    const failures = rng.int(6, 12);
    for (let i = 0; i < failures; i++) {
      const n = i % ips.length;
      yield step(
        i === 0 ? paced(sim, 10, 40) : paced(sim, 1, 6),
        (t) =>
          factory.build(
            'auth.login.failed',
            t,
            {
              actor: { type: 'viewer', id: viewer.id },
              userId: viewer.id,
              ip: ips[n],
              country: networks[n].country,
              userAgent: tool,
            },
            {},
          ),
        label(name, 'sequence'),
      );
    }
    const unseen = ATTACKER_NETWORKS.filter(
      (n) => !rt.loginCountries.has(n.country) && n.country !== viewer.country,
    );
    const entry = rng.pick(unseen.length > 0 ? unseen : ATTACKER_NETWORKS);
    const takeover = {
      actor: { type: 'viewer' as const, id: viewer.id },
      userId: viewer.id,
      ip: ipv4In(rng, rng.pick(entry.ipv4)),
      country: entry.country,
      userAgent: ATTACK_USER_AGENTS[1],
      deviceId: `d-${rng.hex(12)}`,
      sessionId: `s-${rng.hex(12)}`,
    };
    at = yield step(
      paced(sim, 5, 20),
      (t) => factory.build('auth.login.succeeded', t, takeover),
      label(name, 'sequence'),
    );
    rt.loginCountries.add(entry.country);
    // The takeover asks for the viewer's data: a portability export, titles included (a VPPA disclosure
    // too, for a US viewer without that consent).
    const rules =
      viewer.country === 'US' && !sim.vppaConsent(viewer, at) ? ['SEC-01', 'VPPA-01'] : ['SEC-01'];
    at = yield step(
      paced(sim, 20, 90),
      (t) =>
        factory.build('data.exported', t, takeover, {
          recipient: 'data_subject',
          recipientType: 'processor',
          recipientCountry: entry.country,
          categories: ['profile', 'contact', 'viewing_history', 'payment_summary'],
          includesViewingHistory: true,
          saleOrShare: false,
          safeguard: 'none',
          purpose: 'portability',
        }),
      label(name, 'trigger', { rules }),
    );
    // The owner notices and resets the password from home.
    yield step(paced(sim, 60, 180), (t) => factory.build('auth.password_reset', t, home.origin));
  },
};

const accountSharing: ScenarioDefinition = {
  name: 'account_sharing',
  summary:
    'One account logs in and plays from several countries minutes apart: travel no one could make (anomaly: geographic movement).',
  share: 0.006,
  eventsPerInstance: 25,
  eligible: adult,
  adapt: makeAdult,
  *script(sim, instance) {
    const { rng } = sim;
    const viewer = instance.viewer!;
    const name = instance.scenario;
    const home = yield* arrive(sim, viewer);
    let at = yield* successfulLogin(sim, home, paced(sim, 2, 6), label(name, 'sequence'));
    at = yield* briefPlayback(sim, home, at, label(name, 'sequence'));
    const homeOffset = viewer.tzOffsetMinutes;
    const far = COUNTRIES.filter(
      (c) => c.code !== viewer.country && Math.abs(c.zones[0][0] - homeOffset) >= 240,
    );
    const elsewhere = rng.sample(
      far.length >= 2 ? far : COUNTRIES.filter((c) => c.code !== viewer.country),
      rng.int(2, 3),
    );
    for (const country of elsewhere) {
      const device = drawDevice(rng, rng.pick(['mobile', 'smart_tv', 'web', 'tablet'] as const));
      const base = sim.openSession(viewer, device);
      const session: ClientSession = {
        ...base,
        origin: {
          ...base.origin,
          ip: ipv4In(rng, rng.pick(country.ipv4)),
          country: country.code,
          offsetMinutes: country.zones[0][0],
          gpc: false,
        },
      };
      at = yield* successfulLogin(sim, session, paced(sim, 30, 120), label(name, 'trigger'));
      at = yield* briefPlayback(sim, session, at, label(name, 'trigger'));
    }
  },
};

const insiderBulkAccess: ScenarioDefinition = {
  name: 'insider_bulk_access',
  summary:
    'A support agent reads hundreds of viewers’ data in minutes, without tickets (GDPR-09A on every read, GDPR-10 at the threshold).',
  share: 0.0002,
  eventsPerInstance: 250,
  *script(sim, instance) {
    const { rng, factory } = sim;
    const actor = instance.actor!;
    const name = instance.scenario;
    // Hundreds of reads when the run is long enough, never fewer than 20 (then each one reads a bulk export).
    const planned = Math.min(
      sim.population.viewers.length,
      Math.max(20, Math.min(rng.int(120, 400), instance.budget)),
    );
    // With too few reads to cross the distinct-viewer threshold, the records read cross the volume one
    // (with room for the victims skipped below).
    const recordCount = planned > 110 ? 1 : Math.ceil(7500 / planned);
    let at = instance.startAt;
    let reads = 0;
    let records = 0;
    for (const victim of rng.sample(sim.population.viewers, planned * 3)) {
      if (reads >= planned) break;
      if (!ordinaryVictim(sim, victim, at)) continue;
      reads++;
      records += recordCount;
      // GDPR-10 fires once, on the read that crosses its threshold (the 101st viewer, or the 5001st record).
      const crossing = reads === 101 || (records > 5000 && records - recordCount <= 5000);
      at = yield step(
        reads === 1 ? 0 : Math.max(20, Math.round(rng.int(150, 600) * sim.scenarioPace)),
        (t) =>
          factory.build('data.accessed', t, sim.staffOrigin(actor, victim.id), {
            categories: rng.sample(
              ['contact', 'payment_summary', 'viewing_history', 'account'],
              rng.int(2, 4),
            ),
            purpose: rng.pick(['support', 'customer_lookup']),
            recordCount,
          }),
        label(name, 'trigger', {
          affectedViewerId: victim.id,
          rules: crossing ? ['GDPR-09A', 'GDPR-10'] : ['GDPR-09A'],
        }),
      );
    }
  },
};

/**
 * An insider's victim whose read breaks no rule but the insider's own: not part of another scenario, not
 * erased or being erased, and not a child the platform may not process (nor one who may be signing up).
 */
function ordinaryVictim(sim: SimulationState, viewer: Viewer, atMs: number): boolean {
  const rt = sim.runtime(viewer);
  if (rt.scenario !== undefined || rt.retired) return false;
  for (const request of rt.openRequests.values())
    if (request.type === 'erasure' || request.type === 'delete') return false;
  return rt.onboarded ? sim.mayProcess(viewer, atMs) : !sim.needsParentalConsent(viewer, atMs);
}

const trackingWithoutConsent: ScenarioDefinition = {
  name: 'tracking_without_consent',
  summary:
    'An ad pixel fires and profiled ads are served to an EEA viewer who never consented to ad targeting (GDPR-02, EPR-01), or who withdrew that consent (GDPR-01, EPR-01).',
  share: 0.006,
  eventsPerInstance: 25,
  eligible: (v, sim, at) => isEea(v.country) && adult(v, sim, at),
  adapt: (v, rng, at) => {
    relocate(rng, v, rng.pick(eeaCodes));
    makeAdult(v, rng, at);
  },
  variant: (_v, rng) => (rng.chance(0.6) ? 'never_consented' : 'after_withdrawal'),
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const withdrawal = instance.variant === 'after_withdrawal';
    const profile = viewer.consentProfile.filter((p) => p !== 'ads_targeting');
    const session = yield* arrive(sim, viewer, withdrawal ? [...profile, 'ads_targeting'] : profile);
    let at = yield* successfulLogin(sim, session, paced(sim, 2, 6));
    const title = pickTitle(rng, viewer, at);
    at = yield step(paced(sim, 3, 15), (t) =>
      factory.build('playback.started', t, session.origin, {
        contentId: title.contentId,
        title: title.title,
        rating: title.rating,
        genre: title.genre,
        personalised: sim.granted(viewer, 'personalisation', t),
      }),
    );
    const withdrew = withdrawal && rt.granted.has('ads_targeting');
    if (withdrew) {
      at = yield step(paced(sim, 2, 6), (t) =>
        factory.build('ad.served', t, session.origin, adFor(sim, viewer, t)),
      );
      const terms = rt.granted.get('ads_targeting')!;
      at = yield step(
        paced(sim, 10, 40),
        (t) => consentEvent(sim, session.origin, 'consent.withdrawn', 'ads_targeting', t, terms),
        label(name, 'sequence'),
      );
      rt.granted.delete('ads_targeting');
    }
    const consentRule = withdrew ? 'GDPR-01' : 'GDPR-02';
    for (let round = rng.int(1, 2); round > 0; round--) {
      yield step(
        paced(sim, 5, 40),
        (t) =>
          factory.build('tracking.fired', t, session.origin, {
            vendor: 'ad-pixel',
            purpose: 'ads_targeting',
            deviceAccess: true,
            strictlyNecessary: false,
            persistentId: true,
            params: { placement: 'preroll', creative_id: `cr-${rng.hex(6)}` },
          }),
        label(name, 'trigger', { rules: [consentRule, 'EPR-01'] }),
      );
      yield step(
        paced(sim, 1, 5),
        (t) =>
          factory.build('ad.served', t, session.origin, {
            targeting: 'profiled',
            segments: rng.sample(AD_SEGMENTS, rng.int(1, 3)),
            purpose: 'ads_targeting',
          }),
        label(name, 'trigger', { rules: [consentRule] }),
      );
    }
    yield step(paced(sim, 20, 90), (t) =>
      factory.build('playback.stopped', t, session.origin, {
        contentId: title.contentId,
        positionSeconds: rng.int(60, title.runtime),
      }),
    );
  },
};

const vppaDisclosure: ScenarioDefinition = {
  name: 'vppa_disclosure',
  summary:
    'A US viewer watches a title; a social pixel sends the title with their id and their viewing history is shared with a third party, with no separate VPPA consent (VPPA-01; VPPA-02 when the consent sat in the terms).',
  share: 0.004,
  eventsPerInstance: 25,
  eligible: (v, sim, at) => v.country === 'US' && adult(v, sim, at),
  adapt: (v, rng, at) => {
    relocate(rng, v, 'US');
    makeAdult(v, rng, at);
  },
  variant: (_v, rng) => (rng.chance(0.75) ? 'no_consent' : 'consent_in_terms'),
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const profile = viewer.consentProfile.filter(
      (p) => p !== 'viewing_history_disclosure' && p !== 'ads_targeting',
    );
    const session = yield* arrive(sim, viewer, [...profile, 'ads_targeting']);
    let at = yield* successfulLogin(sim, session, paced(sim, 2, 6));
    rt.granted.delete('viewing_history_disclosure');
    if (instance.variant === 'consent_in_terms') {
      // The "consent" is a clause of the terms of use, not a separate form (§2710(b)(2)(B)(i)).
      at = yield step(
        paced(sim, 2, 8),
        (t) =>
          consentEvent(sim, session.origin, 'consent.granted', 'viewing_history_disclosure', t, {
            separateForm: false,
            explicit: false,
          }),
        label(name, 'trigger', { rules: ['VPPA-02'] }),
      );
      rt.granted.set('viewing_history_disclosure', { separateForm: false, explicit: false });
    }
    const title = pickTitle(rng, viewer, at);
    at = yield step(
      paced(sim, 3, 15),
      (t) =>
        factory.build('playback.started', t, session.origin, {
          contentId: title.contentId,
          title: title.title,
          rating: title.rating,
          genre: title.genre,
          personalised: sim.granted(viewer, 'personalisation', t),
        }),
      label(name, 'sequence'),
    );
    at = yield step(
      paced(sim, 1, 4),
      (t) => socialPixel(sim, session.origin, t, title, viewer.id),
      label(name, 'trigger', { rules: ['VPPA-01'] }),
    );
    at = yield step(
      paced(sim, 20, 120),
      (t) =>
        factory.build('data.shared', t, sim.serviceOrigin('data-pipeline', viewer.id), {
          recipient: rng.pick(['social-graph-partner', 'audience-data-broker']),
          recipientType: 'third_party',
          recipientCountry: 'US',
          categories: ['viewing_history', 'device_id'],
          includesViewingHistory: true,
          saleOrShare: false,
          safeguard: 'none',
          purpose: 'viewing_history_disclosure',
        }),
      label(name, 'trigger', { rules: ['VPPA-01'] }),
    );
    yield step(paced(sim, 10, 60), (t) =>
      factory.build('playback.stopped', t, session.origin, {
        contentId: title.contentId,
        positionSeconds: rng.int(60, title.runtime),
      }),
    );
  },
};

type ChildRegion = 'US' | 'EEA' | 'BR';

function childRegionOf(viewer: Viewer): ChildRegion | null {
  if (viewer.country === 'US') return 'US';
  if (viewer.country === 'BR') return 'BR';
  if (isEea(viewer.country)) return 'EEA';
  return null;
}

const childWithoutParentalConsent: ScenarioDefinition = {
  name: 'child_without_parental_consent',
  summary:
    'A child signs up (birth year under 13 in the US, under the national age of consent in the EEA, under 12 in Brazil) and their data is processed without a parent’s verified consent (COPPA-01, GDPR-07 and DSA-01, LGPD-02).',
  share: 0.003,
  eventsPerInstance: 10,
  eligible: (v) => childRegionOf(v) !== null,
  adapt: (v, rng) => relocate(rng, v, rng.pick(['US', 'US', 'DE', 'FR', 'BR'])),
  variant: (v) => childRegionOf(v!) ?? 'US',
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const region = instance.variant as ChildRegion;
    const session = sim.openSession(viewer);
    let at = yield step(
      0,
      (t) =>
        factory.build('account.created', t, session.origin, {
          birthYear: viewer.birthYear,
          country: viewer.country,
        }),
      label(name, 'sequence'),
    );
    rt.onboarded = true;
    at = yield* successfulLogin(sim, session, paced(sim, 3, 10));
    const rules = [region === 'US' ? 'COPPA-01' : region === 'BR' ? 'LGPD-02' : 'GDPR-07'];
    const grant = function* (purpose: ConsentPurpose): Flow {
      const emitted = yield step(
        paced(sim, 1, 4),
        (t) => consentEvent(sim, session.origin, 'consent.granted', purpose, t),
        label(name, 'trigger', { rules }),
      );
      rt.granted.set(purpose, { separateForm: false, explicit: false });
      return emitted;
    };
    const personalisedPlay = function* (): Flow {
      const title = pickTitle(rng, viewer, at);
      return yield step(
        paced(sim, 3, 15),
        (t) =>
          factory.build('playback.started', t, session.origin, {
            contentId: title.contentId,
            title: title.title,
            rating: title.rating,
            genre: title.genre,
            personalised: true,
          }),
        label(name, 'trigger', { rules }),
      );
    };
    if (region === 'EEA') {
      at = yield* grant('personalisation');
      at = yield* grant('ads_targeting');
      at = yield step(
        paced(sim, 5, 30),
        (t) =>
          factory.build('ad.served', t, session.origin, {
            targeting: 'profiled',
            segments: ['gaming', 'family viewers'],
            purpose: 'ads_targeting',
          }),
        label(name, 'trigger', { rules: ['DSA-01'] }),
      );
    } else {
      at = yield* grant('personalisation');
      at = yield* personalisedPlay();
      at = yield step(
        paced(sim, 1, 5),
        (t) => analyticsPixel(sim, session.origin, t, 'player'),
        label(name, 'trigger', { rules }),
      );
    }
  },
};

/** How long after the request its deadline has surely passed, per jurisdiction (days). */
const OVERDUE_DAYS: Readonly<Record<string, readonly [number, number]>> = {
  EEA: [35, 75], // one calendar month
  GB: [35, 75],
  'US-CA': [50, 80], // 45 calendar days
  BR: [20, 40], // 15 days
  CA: [35, 55], // 30 days
};

const DEADLINE_RULES: Readonly<Record<string, string>> = {
  EEA: 'GDPR-03',
  GB: 'UKGDPR-01',
  'US-CA': 'CCPA-03',
  BR: 'LGPD-01',
  CA: 'PIPEDA-01',
};

const dsrOverdue: ScenarioDefinition = {
  name: 'dsr_overdue',
  summary:
    'A data-subject request opened weeks ago (backdated occurredAt) is never answered, so its legal deadline has passed (GDPR-03, UKGDPR-01, CCPA-03, LGPD-01 or PIPEDA-01, raised by the deadline scheduler).',
  share: 0.003,
  eventsPerInstance: 30,
  eligible: (v, sim, at) => jurisdictionOf(v.country) in OVERDUE_DAYS && adult(v, sim, at),
  adapt: (v, rng, at) => {
    relocate(rng, v, rng.pick(['DE', 'GB', 'US', 'BR', 'CA']));
    makeAdult(v, rng, at);
  },
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const jurisdiction = jurisdictionOf(viewer.country);
    const [minDays, maxDays] = OVERDUE_DAYS[jurisdiction];
    const type: DsrType =
      jurisdiction === 'US-CA'
        ? rng.pick(['know', 'delete'] as const)
        : jurisdiction === 'EEA' || jurisdiction === 'GB'
          ? rng.pick(['access', 'erasure', 'portability'] as const)
          : 'access';
    const session = sim.openSession(viewer);
    // The first step's emission time is the instance's start; the history is written relative to it.
    const openedAt = instance.startAt - rng.int(minDays, maxDays) * DAY_MS - rng.int(0, 23) * HOUR_MS;
    yield* onboarding(sim, session, { backdatedTo: openedAt - rng.int(20, 200) * DAY_MS });
    yield step(
      paced(sim, 1, 3),
      () =>
        factory.build('dsr.opened', openedAt, session.origin, {
          requestId: `dsr-${rng.hex(10)}`,
          type,
          jurisdiction,
          ...(jurisdiction === 'BR'
            ? { format: 'complete' as const }
            : type === 'access'
              ? { format: 'pdf' as const }
              : {}),
        }),
      label(name, 'trigger', { rules: [DEADLINE_RULES[jurisdiction]] }),
    );
    rt.overdueRequest = true;
    yield* login(sim, session, paced(sim, 5, 20));
    yield* watch(sim, session);
  },
};

const transferWithoutAdequacy: ScenarioDefinition = {
  name: 'transfer_without_adequacy',
  summary:
    'An EEA (or Brazilian) viewer’s data goes to a processor in India, China, the Philippines or Vietnam with no safeguard and no transfer consent (GDPR-06; LGPD-03).',
  share: 0.003,
  eventsPerInstance: 20,
  eligible: (v, sim, at) => (isEea(v.country) || v.country === 'BR') && adult(v, sim, at),
  adapt: (v, rng, at) => {
    relocate(rng, v, rng.chance(0.75) ? rng.pick(eeaCodes) : 'BR');
    makeAdult(v, rng, at);
  },
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const session = yield* arrive(
      sim,
      viewer,
      viewer.consentProfile.filter((p) => p !== 'cross_border_transfer'),
    );
    rt.granted.delete('cross_border_transfer');
    const at = yield* successfulLogin(sim, session, paced(sim, 2, 6));
    yield* briefPlayback(sim, session, at);
    const rules = [viewer.country === 'BR' ? 'LGPD-03' : 'GDPR-06'];
    for (let transfers = rng.int(1, 2); transfers > 0; transfers--) {
      const offshore = rng.pick(OFFSHORE_RECIPIENTS);
      yield step(
        paced(sim, 10, 60),
        (t) =>
          factory.build('data.shared', t, sim.serviceOrigin('crm-sync', viewer.id), {
            recipient: offshore.recipient,
            recipientType: 'processor',
            recipientCountry: offshore.country,
            categories: ['contact', 'account', 'viewing_history'],
            includesViewingHistory: true,
            saleOrShare: false,
            safeguard: 'none',
            purpose: offshore.purpose,
          }),
        label(name, 'trigger', { rules }),
      );
    }
  },
};

const saleAfterOptOut: ScenarioDefinition = {
  name: 'sale_after_opt_out',
  summary:
    'A California viewer opted out of sale/sharing weeks ago (backdated request, answered); their data is sold to a data exchange and used for cross-context ads anyway (CCPA-01).',
  share: 0.003,
  eventsPerInstance: 30,
  eligible: (v, sim, at) => v.country === 'US' && adult(v, sim, at) && !v.devices.some((d) => d.gpc),
  adapt: (v, rng, at) => {
    relocate(rng, v, 'US');
    makeAdult(v, rng, at);
    for (const d of v.devices) d.gpc = false;
  },
  *script(sim, instance) {
    const { rng, factory } = sim;
    const viewer = instance.viewer!;
    const rt = sim.runtime(viewer);
    const name = instance.scenario;
    const session = sim.openSession(viewer);
    // 30+ calendar days: beyond 15 California business days even with holidays in between.
    const optOutAt = instance.startAt - rng.int(30, 60) * DAY_MS - rng.int(0, 23) * HOUR_MS;
    const profile = viewer.consentProfile.filter((p) => p !== 'sale_share' && p !== 'ads_targeting');
    yield* onboarding(sim, session, {
      backdatedTo: optOutAt - rng.int(20, 120) * DAY_MS,
      purposes: [...profile, 'ads_targeting'],
    });
    const requestId = `dsr-${rng.hex(10)}`;
    yield step(
      paced(sim, 1, 3),
      () =>
        factory.build('dsr.opened', optOutAt, session.origin, {
          requestId,
          type: 'opt_out_sale',
          jurisdiction: 'US-CA',
        }),
      label(name, 'sequence'),
    );
    yield step(
      paced(sim, 1, 3),
      () =>
        factory.build(
          'dsr.completed',
          optOutAt + rng.int(1, 3) * DAY_MS,
          sim.serviceOrigin('dsr-processor', viewer.id),
          {
            requestId,
          },
        ),
      label(name, 'sequence'),
    );
    rt.optedOutOfSale = true;
    const at = yield* successfulLogin(sim, session, paced(sim, 5, 20));
    yield* briefPlayback(sim, session, at);
    yield step(
      paced(sim, 10, 60),
      (t) =>
        factory.build('data.shared', t, sim.serviceOrigin('data-pipeline', viewer.id), {
          recipient: 'audience-exchange',
          recipientType: 'third_party',
          recipientCountry: 'US',
          categories: ['device_id', 'inferred_interests'],
          includesViewingHistory: false,
          saleOrShare: true,
          safeguard: 'none',
          purpose: 'sale_share',
        }),
      label(name, 'trigger', { rules: ['CCPA-01'] }),
    );
    yield step(
      paced(sim, 5, 30),
      (t) =>
        factory.build('ad.served', t, session.origin, {
          targeting: 'cross_context',
          segments: rng.sample(AD_SEGMENTS, rng.int(1, 3)),
          purpose: 'ads_targeting',
        }),
      label(name, 'trigger', { rules: ['CCPA-01'] }),
    );
  },
};

export const SCENARIOS: Readonly<Record<ScenarioName, ScenarioDefinition>> = {
  credential_stuffing: credentialStuffing,
  account_sharing: accountSharing,
  insider_bulk_access: insiderBulkAccess,
  tracking_without_consent: trackingWithoutConsent,
  vppa_disclosure: vppaDisclosure,
  child_without_parental_consent: childWithoutParentalConsent,
  dsr_overdue: dsrOverdue,
  transfer_without_adequacy: transferWithoutAdequacy,
  sale_after_opt_out: saleAfterOptOut,
};

export function scenarioSummary(name: ScenarioName): string {
  return SCENARIOS[name].summary;
}

export interface ScenarioPlanOptions {
  startMs: number;
  /** The run's length: scenarios start within its first half. */
  durationMs: number;
  /** Events the run will carry; scenarios take at most about 15 % of them. */
  eventBudget: number;
}

/**
 * Chooses who plays which scenario and when. Each scenario gets round(share × viewers) instances, at least
 * one and no more than its part of the event budget allows; viewers are taken from those eligible, and
 * rewritten to fit only when too few are.
 */
export function planScenarios(
  sim: SimulationState,
  rng: SeededRng,
  names: readonly ScenarioName[],
  options: ScenarioPlanOptions,
): ScenarioInstance[] {
  const viewers = rng.sample(sim.population.viewers, sim.population.viewers.length);
  const taken = new Set<Viewer>();
  const instances: ScenarioInstance[] = [];
  const perScenarioBudget = (options.eventBudget * 0.15) / Math.max(1, names.length);
  for (const name of SCENARIO_NAMES.filter((n) => names.includes(n))) {
    const definition = SCENARIOS[name];
    const wanted = Math.max(1, Math.round(definition.share * sim.population.viewers.length));
    const count = Math.max(1, Math.min(wanted, Math.floor(perScenarioBudget / definition.eventsPerInstance)));
    const budget = Math.floor(perScenarioBudget / count);
    const startAt = () => options.startMs + Math.round(options.durationMs * rng.between(0.02, 0.5));
    if (definition.eligible === undefined) {
      for (let i = 0; i < count; i++) {
        const actor = sim.population.supportStaff.find((s) => !instances.some((x) => x.actor === s));
        if (actor === undefined) break;
        sim.support.remove(actor.id);
        instances.push({
          scenario: name,
          actor,
          startAt: startAt(),
          variant: 'default',
          budget,
        });
      }
      continue;
    }
    const chosen: Viewer[] = [];
    for (const v of viewers) {
      if (chosen.length >= count) break;
      if (!taken.has(v) && definition.eligible(v, sim, options.startMs)) chosen.push(v);
    }
    for (const v of viewers) {
      if (chosen.length >= count || definition.adapt === undefined) break;
      if (taken.has(v) || chosen.includes(v)) continue;
      definition.adapt(v, rng, options.startMs);
      if (definition.eligible(v, sim, options.startMs)) chosen.push(v);
    }
    for (const viewer of chosen) {
      taken.add(viewer);
      if (name === 'child_without_parental_consent') makeChild(viewer, rng, options.startMs);
      const instance: ScenarioInstance = {
        scenario: name,
        viewer,
        startAt: startAt(),
        variant: definition.variant?.(viewer, rng) ?? 'default',
        budget,
      };
      instances.push(instance);
      sim.runtime(viewer).reserved = true;
      sim.runtime(viewer).scenario = name;
    }
  }
  return instances.sort((a, b) => a.startAt - b.startAt);
}

/** A birth year that makes the viewer a child under the rules of their country, with a margin. */
function makeChild(viewer: Viewer, rng: SeededRng, atMs: number): void {
  const year = new Date(atMs).getUTCFullYear();
  const limit =
    viewer.country === 'US' ? 13 : viewer.country === 'BR' ? 12 : parentalConsentAge(viewer.country);
  const youngest = rng.int(Math.min(7, limit - 3), limit - 2);
  viewer.birthYear = year - 1 - youngest;
}

export function scenarioScript(sim: SimulationState, instance: ScenarioInstance): Script {
  return SCENARIOS[instance.scenario].script(sim, instance);
}
