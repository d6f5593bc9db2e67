/**
 * Lawful, everyday behaviour: sign-up with the consent banner (and a parent's consent for children),
 * logins, viewing with ads and trackers, the platform's own services and support staff reading data,
 * transfers to processors and partners, data-subject requests answered on time. Every processing step is
 * gated on the viewer's state at that moment, so a clean viewer never breaks a rule of the catalog.
 */
import type { AdServedPayload, DataTransferPayload } from '../../src/ingestion/domain/event-payloads';
import type { ConsentPurpose, DsrType } from '../../src/ingestion/domain/event-vocabulary';
import type { EventOrigin } from './event-factory';
import type { Viewer } from './population';
import type { SeededRng } from './seeded-rng';
import {
  type ClientSession,
  ERASED_CATEGORIES,
  type OpenRequest,
  type Script,
  seconds,
  type SimulationState,
  step,
  type Step,
  type ViewerRuntime,
} from './simulation-state';
import {
  AD_SEGMENTS,
  CATALOGUE,
  formatTimestamp,
  isEea,
  NOTICE_VERSION,
  RECIPIENTS,
  type Recipient,
  SERVICES,
  type ServiceId,
  STAFF_PURPOSES,
  type Title,
  youngestAge,
} from './world';

/** A part of a script; returns the emission time of its last step. */
export type Flow = Generator<Step, number, number>;

const CONSENT_LIFETIME_MS = 395 * 86_400_000;

/** One visit: sign-up on first sight, login, a few titles with their ads and trackers, background work. */
export function* viewerSession(sim: SimulationState, viewer: Viewer): Script {
  const rt = sim.runtime(viewer);
  if (rt.retired) return;
  const session = sim.openSession(viewer);
  if (!rt.onboarded) yield* onboarding(sim, session);
  yield* login(sim, session, seconds(sim.rng, 2, 8));
  yield* watch(sim, session);
}

export interface OnboardingOptions {
  /** Write the sign-up as having happened at this time (one to a few seconds between its events). */
  backdatedTo?: number;
  /** Purposes to consent to instead of the viewer's own profile (still restricted by age and region). */
  purposes?: readonly ConsentPurpose[];
  /** Skip the parent's consent even when the viewer's age requires it (child_without_parental_consent). */
  withoutParentalConsent?: boolean;
}

/** account.created, age and parental checks, then the consent banner: before anything is processed. */
export function* onboarding(
  sim: SimulationState,
  session: ClientSession,
  options: OnboardingOptions = {},
): Flow {
  const { rng, factory } = sim;
  const viewer = session.viewer;
  const rt = sim.runtime(viewer);
  let backdated = options.backdatedTo;
  const when = (emittedAt: number, gapMs: number): number =>
    backdated === undefined ? emittedAt : (backdated += gapMs);
  let at = yield step(0, (t) =>
    factory.build('account.created', when(t, 0), session.origin, {
      birthYear: viewer.birthYear,
      country: viewer.country,
    }),
  );
  rt.onboarded = true;
  if (sim.needsParentalConsent(viewer, backdated ?? at) && options.withoutParentalConsent !== true) {
    const verifiedAge = rng.chance(0.5);
    if (verifiedAge) {
      const gap = seconds(rng, 2, 8);
      const age = youngestAge(viewer.birthYear, backdated ?? at);
      at = yield step(gap, (t) =>
        factory.build('account.age_verified', when(t, gap), session.origin, {
          age,
          method: 'parental_attestation',
        }),
      );
      rt.verifiedAge = { age, atMs: backdated ?? at };
    }
    const gap = seconds(rng, 10, 40);
    at = yield step(gap, (t) =>
      factory.build('account.parental_consent_given', when(t, gap), session.origin, {
        verified: true,
        method: rng.pick([
          'payment_card',
          'id_document',
          'knowledge_questions',
          'face_match',
          'email_plus',
        ] as const),
        scopes: ['collection'],
      }),
    );
    rt.parentalVerified = true;
    if (verifiedAge) {
      // Data minimisation: the age evidence is discarded once the parent's consent is on record (a child's
      // data may be kept only as long as needed: COPPA §312.10).
      const gap = seconds(rng, 2, 10);
      at = yield step(gap, (t) =>
        factory.build('data.deleted', when(t, gap), sim.serviceOrigin('svc-retention', viewer.id), {
          categories: ['age_verification'],
        }),
      );
    }
  } else if (rng.chance(0.15)) {
    const gap = seconds(rng, 2, 8);
    const age = youngestAge(viewer.birthYear, backdated ?? at);
    // A band's lower bound is what the rules assume: only the adult band says no less than the birth year.
    const band = age >= 18 && rng.chance(0.5);
    at = yield step(gap, (t) =>
      factory.build(
        'account.age_verified',
        when(t, gap),
        session.origin,
        band
          ? { ageBand: '18_plus', method: 'age_estimation' }
          : { age, method: rng.pick(['payment_card', 'id_document', 'digital_identity'] as const) },
      ),
    );
    if (!band) rt.verifiedAge = { age, atMs: backdated ?? at };
  }
  const purposes = sim.allowedPurposes(viewer, at, options.purposes ?? viewer.consentProfile);
  for (const purpose of purposes) {
    const gap = seconds(rng, 1, 4);
    at = yield step(gap, (t) => consentEvent(sim, session.origin, 'consent.granted', purpose, when(t, gap)));
    rt.granted.set(purpose, consentTerms(purpose));
  }
  return at;
}

function consentTerms(purpose: ConsentPurpose): { separateForm: boolean; explicit: boolean } {
  return {
    separateForm: purpose === 'viewing_history_disclosure',
    explicit: purpose === 'cross_border_transfer',
  };
}

export function consentEvent(
  sim: SimulationState,
  origin: EventOrigin,
  type: 'consent.granted' | 'consent.withdrawn',
  purpose: ConsentPurpose,
  atMs: number,
  terms = consentTerms(purpose),
) {
  return sim.factory.build(type, atMs, origin, {
    purpose,
    basis: 'consent',
    noticeVersion: NOTICE_VERSION,
    ...(terms.separateForm ? { separateForm: true } : {}),
    ...(terms.explicit ? { explicit: true } : {}),
    ...(type === 'consent.granted' ? { expiresAt: formatTimestamp(atMs + CONSENT_LIFETIME_MS) } : {}),
  });
}

/** Now and then a mistyped password first (once or twice, same network), rarely a reset, then success. */
export function* login(sim: SimulationState, session: ClientSession, delayMs: number): Flow {
  const { rng, factory, rates } = sim;
  const rt = sim.runtime(session.viewer);
  let gap = delayMs;
  if (rng.chance(rates.loginFailure)) {
    for (let i = rng.int(1, 2); i > 0; i--) {
      yield step(gap, (t) =>
        factory.build('auth.login.failed', t, session.origin, rng.chance(0.5) ? {} : undefined),
      );
      gap = seconds(rng, 4, 15);
    }
    if (rng.chance(rates.passwordReset)) {
      yield step(gap, (t) => factory.build('auth.password_reset', t, session.origin));
      gap = seconds(rng, 30, 90);
    }
  }
  const at = yield step(gap, (t) => factory.build('auth.login.succeeded', t, session.origin));
  rt.loginCountries.add(session.origin.country ?? session.viewer.country);
  return at;
}

/** The body of a session: browsing, titles with ads and trackers, background processing, maybe a request. */
export function* watch(sim: SimulationState, session: ClientSession): Flow {
  const { rng, factory, rates } = sim;
  const viewer = session.viewer;
  const rt = sim.runtime(viewer);
  const o = session.origin;
  let at = yield step(seconds(rng, 1, 3), (t) =>
    factory.build('tracking.fired', t, o, {
      vendor: 'cdn-session',
      purpose: 'strictly_necessary',
      deviceAccess: true,
      strictlyNecessary: true,
      persistentId: false,
      params: {
        pop: rng.pick(['FRA1', 'AMS2', 'IAD3', 'GRU1', 'LHR4']),
        bitrate_kbps: rng.pick([3000, 8000, 16000]),
      },
    }),
  );
  if (sim.granted(viewer, 'analytics', at)) {
    at = yield step(seconds(rng, 1, 4), (t) => analyticsPixel(sim, o, t, 'home'));
  }
  let withdrawn: ConsentPurpose | null = null;
  if (rt.granted.size > 0 && sim.mayProcess(viewer, at) && rng.chance(rates.consentWithdrawal)) {
    withdrawn = rng.pick([...rt.granted.keys()]);
    const terms = rt.granted.get(withdrawn)!;
    const purpose = withdrawn;
    at = yield step(seconds(rng, 2, 10), (t) => consentEvent(sim, o, 'consent.withdrawn', purpose, t, terms));
    rt.granted.delete(purpose);
    if (purpose === 'sale_share') rt.optedOutOfSale = true; // a CCPA opt-out: never sold again
  }
  if (rng.chance(rates.consentGrant) && sim.mayProcess(viewer, at)) {
    const candidates = sim
      .consentablePurposes(viewer, at)
      .filter((p) => !rt.granted.has(p) && p !== withdrawn);
    const all = sim.isMinor(viewer, at)
      ? []
      : (['analytics', 'personalisation', 'ads_targeting', 'marketing'] as const);
    const extra =
      candidates.length > 0 ? candidates : all.filter((p) => !rt.granted.has(p) && p !== withdrawn);
    if (extra.length > 0) {
      const purpose = rng.pick(extra);
      at = yield step(seconds(rng, 2, 10), (t) => consentEvent(sim, o, 'consent.granted', purpose, t));
      rt.granted.set(purpose, consentTerms(purpose));
    }
  }

  for (let plays = rng.int(1, 3); plays > 0; plays--) {
    at = yield* play(sim, session, at);
  }

  at = yield* background(sim, viewer, at);
  if (rng.chance(rates.apiError)) at = yield step(seconds(rng, 1, 5), (t) => apiError(sim, t));
  if (!rt.overdueRequest && rng.chance(rates.dsr)) {
    at = yield* dataSubjectRequest(sim, session);
    if (rt.retired) return at;
  }
  if (withdrawn !== null && rng.chance(0.5) && sim.consentablePurposes(viewer, at).includes(withdrawn)) {
    const purpose = withdrawn;
    at = yield step(seconds(rng, 5, 20), (t) => consentEvent(sim, o, 'consent.granted', purpose, t));
    rt.granted.set(purpose, consentTerms(purpose));
  }
  if (rng.chance(rates.accountClosure)) {
    at = yield step(seconds(rng, 5, 20), (t) =>
      factory.build('account.closed', t, o, rng.chance(0.7) ? { reason: 'viewer_request' } : undefined),
    );
    rt.retired = true;
    rt.awaitingDeletion = true;
    // The retention job removes what the closed account no longer needs (age checks go after 30 days).
    at = yield step(seconds(rng, 10, 60), (t) =>
      factory.build('data.deleted', t, sim.serviceOrigin('svc-retention', viewer.id), {
        categories: [...ERASED_CATEGORIES],
      }),
    );
    rt.awaitingDeletion = false;
    return at;
  }
  if (rng.chance(0.4)) at = yield step(seconds(rng, 5, 30), (t) => factory.build('auth.logout', t, o));
  return at;
}

/** One title: start, pre-roll ad and pixels, recommendations, maybe a mid-roll or a player error, stop. */
function* play(sim: SimulationState, session: ClientSession, from: number): Flow {
  const { rng, factory, rates } = sim;
  const viewer = session.viewer;
  const o = session.origin;
  const title = pickTitle(rng, viewer, from);
  let at = yield step(seconds(rng, 3, 20), (t) =>
    factory.build('playback.started', t, o, {
      contentId: title.contentId,
      ...(rng.chance(0.9) ? { title: title.title } : {}),
      rating: title.rating,
      genre: title.genre,
      personalised: sim.granted(viewer, 'personalisation', t),
    }),
  );
  if (sim.granted(viewer, 'personalisation', at) && rng.chance(0.5)) {
    at = yield step(seconds(rng, 1, 3), (t) => serviceRead(sim, 'recsys', viewer.id, t));
  }
  if (rng.chance(0.65))
    at = yield step(seconds(rng, 1, 4), (t) => factory.build('ad.served', t, o, adFor(sim, viewer, t)));
  if (sim.granted(viewer, 'ads_targeting', at) && !sim.isMinor(viewer, at) && rng.chance(0.5)) {
    at = yield step(seconds(rng, 1, 3), (t) =>
      factory.build('tracking.fired', t, o, {
        vendor: 'ad-pixel',
        purpose: 'ads_targeting',
        deviceAccess: true,
        strictlyNecessary: false,
        persistentId: true,
        params: { placement: 'preroll', creative_id: `cr-${rng.hex(6)}` },
      }),
    );
    if (sim.vppaConsent(viewer, at) && rng.chance(0.5)) {
      // Title and person together: lawful only under the viewer's separate VPPA consent.
      at = yield step(seconds(rng, 1, 3), (t) => socialPixel(sim, o, t, title, viewer.id));
    }
  }
  if (rng.chance(rates.clientError)) at = yield step(seconds(rng, 2, 30), (t) => clientError(sim, o, t));
  if (rng.chance(0.3))
    at = yield step(seconds(rng, 10, 40), (t) => factory.build('ad.served', t, o, adFor(sim, viewer, t)));
  if (sim.granted(viewer, 'analytics', at) && rng.chance(0.3)) {
    at = yield step(seconds(rng, 5, 20), (t) => analyticsPixel(sim, o, t, 'player'));
  }
  return yield step(seconds(rng, 15, 120), (t) =>
    factory.build('playback.stopped', t, o, {
      contentId: title.contentId,
      positionSeconds: rng.int(30, title.runtime),
    }),
  );
}

/** What the platform does with the viewer's data while they watch: services, support, transfers. */
function* background(sim: SimulationState, viewer: Viewer, from: number): Flow {
  const { rng, rates } = sim;
  let at = from;
  if (sim.granted(viewer, 'analytics', at) && rng.chance(0.25)) {
    at = yield step(seconds(rng, 1, 10), (t) => serviceRead(sim, 'analytics', viewer.id, t));
  }
  for (const [service, chance] of [
    ['billing', 0.06],
    ['fraud-detection', 0.06],
    ['playback', 0.1],
  ] as const) {
    if (sim.mayProcess(viewer, at) && rng.chance(chance)) {
      at = yield step(seconds(rng, 1, 10), (t) => serviceRead(sim, service, viewer.id, t));
    }
  }
  if (sim.mayProcess(viewer, at) && rng.chance(rates.staffAccess)) {
    const agent = sim.support.acquire(at, viewer.id);
    if (agent !== null) {
      at = yield step(seconds(rng, 5, 30), (t) =>
        sim.factory.build('data.accessed', t, sim.staffOrigin(agent, viewer.id), {
          categories: rng.sample(['contact', 'account', 'payment_summary', 'viewing_history'], rng.int(1, 2)),
          purpose: rng.pick(STAFF_PURPOSES),
          ticketId: `ZD-${rng.int(100000, 999999)}`,
          recordCount: rng.int(1, 3),
        }),
      );
    }
  }
  if (sim.mayProcess(viewer, at) && rng.chance(rates.share)) {
    const recipients = lawfulRecipients(sim, viewer, at);
    if (recipients.length > 0) {
      const recipient = rng.pick(recipients);
      at = yield step(seconds(rng, 2, 20), (t) => share(sim, viewer, recipient, t));
      sim.runtime(viewer).recipients.add(recipient.recipient);
    }
  }
  return at;
}

/** Processors and partners this viewer's data may lawfully go to right now. */
export function lawfulRecipients(sim: SimulationState, viewer: Viewer, atMs: number): Recipient[] {
  const rt = sim.runtime(viewer);
  const minor = sim.isMinor(viewer, atMs);
  const gpc = viewer.devices.some((d) => d.gpc);
  return RECIPIENTS.filter((r) => {
    if (r.consent !== undefined && !sim.granted(viewer, r.consent, atMs)) return false;
    if (r.adultsOnly === true && minor) return false;
    if (r.usOnly === true && viewer.country !== 'US') return false;
    if (r.saleOrShare === true && (rt.optedOutOfSale || gpc)) return false;
    if (r.includesViewingHistory === true && !sim.vppaConsent(viewer, atMs)) return false;
    return true;
  });
}

/**
 * A transfer needs no tool inside one country or inside the EEA; anywhere else the clean traffic uses
 * standard contractual clauses (even towards adequate countries, as many platforms do).
 */
export function safeguardFor(viewerCountry: string, recipientCountry: string): 'none' | 'scc' {
  return viewerCountry === recipientCountry || (isEea(viewerCountry) && isEea(recipientCountry))
    ? 'none'
    : 'scc';
}

export function share(sim: SimulationState, viewer: Viewer, r: Recipient, atMs: number) {
  const data: DataTransferPayload = {
    recipient: r.recipient,
    recipientType: r.recipientType,
    recipientCountry: r.country,
    ...(r.dpfCertified === undefined ? {} : { dpfCertified: r.dpfCertified }),
    categories: [...r.categories],
    includesViewingHistory: r.includesViewingHistory === true,
    saleOrShare: r.saleOrShare === true,
    safeguard: safeguardFor(viewer.country, r.country),
    purpose: r.purpose,
  };
  return sim.factory.build('data.shared', atMs, sim.serviceOrigin('data-pipeline', viewer.id), data);
}

export function serviceRead(sim: SimulationState, service: ServiceId, userId: string, atMs: number) {
  const { purpose, categories } = SERVICES[service];
  return sim.factory.build('data.accessed', atMs, sim.serviceOrigin(service, userId), {
    categories: [...categories],
    purpose,
    recordCount: sim.rng.int(1, 60),
  });
}

/** Profiled only with the viewer's ads consent and never for minors; cross-context only for US sale/share. */
export function adFor(sim: SimulationState, viewer: Viewer, atMs: number): AdServedPayload {
  const { rng } = sim;
  if (!sim.isMinor(viewer, atMs) && sim.granted(viewer, 'ads_targeting', atMs)) {
    const segments = rng.sample(AD_SEGMENTS, rng.int(1, 3));
    const rt = sim.runtime(viewer);
    if (
      viewer.country === 'US' &&
      sim.granted(viewer, 'sale_share', atMs) &&
      !rt.optedOutOfSale &&
      rng.chance(0.3)
    ) {
      return { targeting: 'cross_context', segments, purpose: 'ads_targeting' };
    }
    if (sim.granted(viewer, 'marketing', atMs) && rng.chance(0.2)) {
      return { targeting: 'profiled', segments, purpose: 'marketing' };
    }
    return { targeting: 'profiled', segments, purpose: 'ads_targeting' };
  }
  return { targeting: 'contextual', segments: [] };
}

export function analyticsPixel(sim: SimulationState, origin: EventOrigin, atMs: number, screen: string) {
  return sim.factory.build('tracking.fired', atMs, origin, {
    vendor: 'analytics-sdk',
    purpose: 'analytics',
    deviceAccess: true,
    strictlyNecessary: false,
    persistentId: true,
    params: { event: 'screen_view', screen, sdk_version: '4.2.1' },
  });
}

/** A social-network pixel carrying the title and the viewer's id: a VPPA disclosure. */
export function socialPixel(
  sim: SimulationState,
  origin: EventOrigin,
  atMs: number,
  title: Title,
  userId: string,
) {
  return sim.factory.build('tracking.fired', atMs, origin, {
    vendor: 'social-pixel',
    purpose: 'ads_targeting',
    deviceAccess: true,
    strictlyNecessary: false,
    persistentId: true,
    params: {
      event: 'ViewContent',
      content_name: title.contentId,
      content_type: 'video',
      external_id: userId,
    },
  });
}

export function clientError(sim: SimulationState, origin: EventOrigin, atMs: number) {
  const { rng } = sim;
  const [code, message, endpoint] = rng.pick([
    ['player.drm.4012', 'License request failed', '/v1/drm/license'],
    ['player.network.2001', 'Segment download timed out after 10000 ms', '/v1/cdn/segment'],
    ['player.decode.3016', 'Media decode error (HEVC profile unsupported)', '/v1/playback/manifest'],
  ] as const);
  return sim.factory.build('client.error', atMs, origin, { code, message, endpoint });
}

export function apiError(sim: SimulationState, atMs: number) {
  const { rng } = sim;
  const [code, status, message, endpoint] = rng.pick([
    ['E_UPSTREAM_TIMEOUT', 504, 'catalogue timed out after 3000 ms', '/v1/catalogue'],
    ['E_RATE_LIMITED', 429, 'too many requests from this client', '/v1/search'],
    ['E_ENTITLEMENT_UNAVAILABLE', 503, 'entitlement service unavailable', '/v1/entitlements'],
  ] as const);
  return sim.factory.build('api.error', atMs, sim.serviceOrigin('svc-gateway'), {
    code,
    status,
    message,
    endpoint,
  });
}

/** Titles for the viewer's age: kids and family titles for children, no adult titles for teens. */
export function pickTitle(rng: SeededRng, viewer: Viewer, nowMs: number): Title {
  const age = youngestAge(viewer.birthYear, nowMs); // the viewer's content settings follow the birth year
  const fits = CATALOGUE.filter((t) =>
    age < 13 ? t.audience === 'kids' || t.audience === 'family' : age < 18 ? t.audience !== 'adult' : true,
  );
  return rng.pick(fits);
}

/** Jurisdiction a request is made under, from the account's country. */
export function jurisdictionOf(country: string): string {
  if (isEea(country)) return 'EEA';
  if (country === 'US') return 'US-CA';
  return country;
}

function requestTypeFor(rng: SeededRng, jurisdiction: string, rt: ViewerRuntime): DsrType {
  switch (jurisdiction) {
    case 'EEA':
    case 'GB':
      return rng.weighted(
        [
          ['access', 35],
          ['portability', 20],
          ['erasure', 25],
          ['rectification', 20],
        ] as const,
        ([, w]) => w,
      )[0];
    case 'US-CA':
      return rng.weighted(
        [
          ['know', 30],
          ['delete', 20],
          ['correct', 10],
          ['opt_out_sale', rt.optedOutOfSale ? 0 : 30],
          ['limit_spi', rt.limitedSpi ? 0 : 10],
        ] as const,
        ([, w]) => w,
      )[0];
    case 'BR':
      return rng.weighted(
        [
          ['access', 60],
          ['portability', 15],
          ['erasure', 25],
        ] as const,
        ([, w]) => w,
      )[0];
    case 'CA':
      return rng.chance(0.7) ? 'access' : 'rectification';
    default:
      return 'access';
  }
}

/**
 * A data-subject request answered within minutes: identity check and pause (UK), sometimes an extension
 * notice, the export, correction or erasure (with every earlier recipient notified), then the answer.
 */
export function* dataSubjectRequest(sim: SimulationState, session: ClientSession): Flow {
  const { rng, factory, rates } = sim;
  const viewer = session.viewer;
  const rt = sim.runtime(viewer);
  const jurisdiction = jurisdictionOf(viewer.country);
  const type = requestTypeFor(rng, jurisdiction, rt);
  const requestId = `dsr-${rng.hex(10)}`;
  const staff = rng.pick(sim.population.privacyStaff);
  const staffOrigin = sim.staffOrigin(staff, viewer.id);
  const processor = sim.serviceOrigin('dsr-processor', viewer.id);
  const format =
    jurisdiction === 'BR' && type === 'access'
      ? rng.pick(['simplified', 'complete'] as const)
      : type === 'portability' || type === 'access' || type === 'know'
        ? rng.pick(['json', 'csv', 'pdf'] as const)
        : undefined;
  let at = yield step(seconds(rng, 2, 10), (t) =>
    factory.build('dsr.opened', t, session.origin, {
      requestId,
      type,
      jurisdiction,
      ...(format === undefined ? {} : { format }),
    }),
  );
  const open: OpenRequest = { type, deleted: false, notified: new Set() };
  rt.openRequests.set(requestId, open);
  if (type === 'opt_out_sale') rt.optedOutOfSale = true;
  if (type === 'limit_spi') rt.limitedSpi = true;
  if (type === 'opt_out_sale' && rt.granted.has('sale_share')) {
    const terms = rt.granted.get('sale_share')!;
    at = yield step(seconds(rng, 1, 3), (t) =>
      consentEvent(sim, session.origin, 'consent.withdrawn', 'sale_share', t, terms),
    );
    rt.granted.delete('sale_share');
  }
  if (jurisdiction === 'GB' && rng.chance(0.4)) {
    at = yield step(seconds(rng, 5, 20), (t) =>
      factory.build('dsr.paused', t, staffOrigin, { requestId, reason: 'id_verification' }),
    );
    at = yield step(seconds(rng, 10, 40), (t) =>
      factory.build('dsr.resumed', t, staffOrigin, { requestId, reason: 'id_verification' }),
    );
  }
  if (rng.chance(rates.dsrExtension)) {
    at = yield step(seconds(rng, 5, 20), (t) =>
      factory.build('dsr.extended', t, staffOrigin, {
        requestId,
        notifiedAt: formatTimestamp(t - seconds(rng, 10, 60)),
        reason: 'The request spans several systems.\nThe viewer was told by e-mail.',
      }),
    );
  }
  if ((type === 'access' || type === 'rectification' || type === 'know') && rng.chance(rates.dsrRefusal)) {
    at = yield step(seconds(rng, 10, 40), (t) => factory.build('dsr.refused', t, staffOrigin, { requestId }));
    rt.openRequests.delete(requestId);
    return at;
  }
  switch (type) {
    case 'access':
    case 'know':
    case 'portability': {
      at = yield step(seconds(rng, 5, 30), (t) => serviceRead(sim, 'dsr-processor', viewer.id, t));
      // The viewer's own copy. Only with a VPPA consent does a US copy list the titles watched: the seed
      // rules do not exempt disclosures to the viewer themselves (18 U.S.C. §2710(b)(2)(A)).
      const withHistory = viewer.country !== 'US' || sim.vppaConsent(viewer, at);
      at = yield step(seconds(rng, 5, 30), (t) =>
        factory.build('data.exported', t, processor, {
          recipient: 'data_subject',
          recipientType: 'processor',
          recipientCountry: viewer.country,
          categories: withHistory ? ['profile', 'viewing_history', 'consents'] : ['profile', 'consents'],
          includesViewingHistory: withHistory,
          saleOrShare: false,
          safeguard: 'none',
          purpose: 'dsr_fulfilment',
        }),
      );
      rt.recipients.add('data_subject');
      break;
    }
    case 'rectification':
    case 'correct':
      at = yield step(seconds(rng, 10, 40), (t) =>
        factory.build('data.accessed', t, staffOrigin, {
          categories: ['account', 'contact'],
          purpose: 'dsr_fulfilment',
          ticketId: requestId,
          recordCount: 1,
        }),
      );
      break;
    case 'erasure':
    case 'delete': {
      at = yield step(seconds(rng, 10, 40), (t) =>
        factory.build('data.deleted', t, processor, { categories: [...ERASED_CATEGORIES], requestId }),
      );
      open.deleted = true;
      for (const recipient of [...rt.recipients]) {
        at = yield step(seconds(rng, 1, 5), (t) =>
          factory.build('dsr.recipient_notified', t, processor, { requestId, recipient }),
        );
        open.notified.add(recipient);
      }
      break;
    }
    default:
      break;
  }
  at = yield step(seconds(rng, 5, 30), (t) => factory.build('dsr.completed', t, processor, { requestId }));
  rt.openRequests.delete(requestId);
  if (type === 'erasure' || type === 'delete') {
    at = yield step(seconds(rng, 2, 10), (t) =>
      factory.build('account.closed', t, processor, { reason: 'viewer_request' }),
    );
    rt.retired = true;
  }
  return at;
}

/** A platform-level incident: a breach confirmed, then notified to the authority well within 72 hours. */
export function* breachIncident(sim: SimulationState): Script {
  const { rng, factory } = sim;
  const [ciso, dpo] = sim.population.privacyStaff;
  const breachId = `br-${rng.hex(8)}`;
  yield step(0, (t) =>
    factory.build('security.breach.confirmed', t, sim.staffOrigin(ciso), {
      breachId,
      personalData: rng.chance(0.7),
      awareAt: formatTimestamp(t - seconds(rng, 600, 7200)),
    }),
  );
  yield step(seconds(rng, 60, 300), (t) =>
    factory.build('breach.authority_notified', t, sim.staffOrigin(dpo ?? ciso), { breachId }),
  );
}
