/**
 * A deterministic, mixed stream of events over many viewers for throughput tests and back-test sizing:
 * mostly playback, tracking and ads, with consents, staff/service reads, shares and requests mixed in,
 * across EEA, UK, US, BR and CA viewers. Most viewers consent to the common purposes when they sign up
 * (`consentAtSignup`), so findings are a minority, as in real traffic; 0 gives a findings-heavy stress mix.
 */
import type { ComplianceEvent, ComplianceEventType } from '../../../src/compliance/domain/compliance-event';
import {
  AD_TARGETING_KINDS,
  type ConsentPurpose,
  type DsrType,
  type RecipientType,
  type TransferSafeguard,
} from '../../../src/ingestion/domain/event-vocabulary';

const COUNTRIES = ['DE', 'FR', 'NL', 'GB', 'US-CA', 'US', 'BR', 'CA', 'ES', 'IT'];
// Subsets of the contract's vocabularies, typed so that a renamed value fails to compile here.
const PURPOSES: readonly ConsentPurpose[] = [
  'analytics',
  'marketing',
  'personalisation',
  'ads_targeting',
  'sale_share',
  'viewing_history_disclosure',
];

/** Small, fast, seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* syntheticEvents(
  count: number,
  viewers = 5000,
  consentAtSignup = 0.9,
  start = Date.parse('2026-05-01T00:00:00Z'),
  seed = 7,
): Generator<ComplianceEvent> {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const created = new Set<number>();
  const pendingConsents: Array<{ v: number; purpose: string }> = [];
  let t = start;
  for (let i = 0; i < count; i++) {
    t += Math.floor(rnd() * 200);
    const v = Math.floor(rnd() * viewers);
    const userId = `v-${v}`;
    const region = COUNTRIES[v % COUNTRIES.length];
    const country = region.slice(0, 2);
    let type: ComplianceEventType;
    let data: Record<string, unknown> = {};
    let actorType: ComplianceEvent['actorType'] = 'viewer';
    let actorId = userId;
    const pending = pendingConsents.pop();
    if (pending) {
      type = 'consent.granted';
      data = {
        purpose: pending.purpose,
        basis: 'consent',
        noticeVersion: 'n-1',
        separateForm: true,
        explicit: true,
      };
      yield envelope(
        i,
        type,
        `v-${pending.v}`,
        COUNTRIES[pending.v % COUNTRIES.length].slice(0, 2),
        pending.v,
        data,
        t,
      );
      continue;
    }
    if (!created.has(v)) {
      created.add(v);
      type = 'account.created';
      data = { birthYear: 1950 + (v % 70), country: region };
      if (rnd() < consentAtSignup) {
        const signupPurposes: readonly ConsentPurpose[] = [
          'analytics',
          'personalisation',
          'ads_targeting',
          'marketing',
          'viewing_history_disclosure',
        ];
        for (const purpose of signupPurposes) {
          pendingConsents.push({ v, purpose });
        }
      }
    } else {
      const r = rnd();
      if (r < 0.3) {
        type = 'playback.started';
        data = {
          contentId: `t-${Math.floor(rnd() * 1000)}`,
          rating: 'PG',
          genre: 'drama',
          personalised: rnd() < 0.5,
        };
      } else if (r < 0.45) {
        type = 'tracking.fired';
        data = {
          vendor: pick(['ad-pixel', 'analytics', 'social-pixel']),
          purpose: pick(PURPOSES),
          deviceAccess: true,
          strictlyNecessary: rnd() < 0.2,
          persistentId: rnd() < 0.5,
          params: rnd() < 0.1 ? { content_name: 't-1', external_id: userId } : {},
        };
      } else if (r < 0.6) {
        type = 'ad.served';
        data = {
          targeting: pick(AD_TARGETING_KINDS),
          segments: [pick(['sports', 'drama', 'health', 'kids'])],
        };
      } else if (r < 0.7) {
        type = rnd() < 0.7 ? 'consent.granted' : 'consent.withdrawn';
        data = { purpose: pick(PURPOSES), basis: 'consent', noticeVersion: 'n-1', separateForm: rnd() < 0.5 };
      } else if (r < 0.8) {
        type = 'data.accessed';
        actorType = rnd() < 0.3 ? 'staff' : 'service';
        actorId =
          actorType === 'staff' ? `s-${Math.floor(rnd() * 20)}` : pick(['recsys', 'analytics', 'billing']);
        data = {
          categories: ['viewing_history'],
          purpose: pick(['support', 'personalisation', 'analytics', 'billing']),
          ticketId: rnd() < 0.8 ? 'T-1' : null,
          recordCount: 1 + Math.floor(rnd() * 5),
        };
      } else if (r < 0.85) {
        type = 'data.shared';
        actorType = 'service';
        actorId = 'ad-sync';
        data = {
          recipient: pick(['adnetwork', 'cdn-co', 'analytics-co']),
          recipientType: pick<RecipientType>(['processor', 'third_party']),
          recipientCountry: pick(['US', 'DE', 'IN', 'BR']),
          dpfCertified: rnd() < 0.5,
          categories: ['viewing_history'],
          includesViewingHistory: rnd() < 0.3,
          saleOrShare: rnd() < 0.3,
          safeguard: pick<TransferSafeguard>(['scc', 'none']),
        };
      } else if (r < 0.87) {
        type = 'dsr.opened';
        data = {
          requestId: `r-${i}`,
          type: pick<DsrType>(['access', 'erasure', 'opt_out_sale']),
          jurisdiction: region,
        };
      } else if (r < 0.95) {
        type = rnd() < 0.8 ? 'auth.login.succeeded' : 'auth.login.failed';
      } else {
        type = 'api.error';
      }
    }
    yield { ...envelope(i, type, userId, country, v, data, t), actorType, actorId, gpc: rnd() < 0.02 };
  }
}

function envelope(
  i: number,
  type: ComplianceEventType,
  userId: string,
  country: string,
  v: number,
  data: Record<string, unknown>,
  t: number,
): ComplianceEvent {
  return {
    eventId: `syn-${i}`,
    type,
    occurredAt: new Date(t),
    userId,
    actorType: 'viewer',
    actorId: userId,
    country,
    subdivision: null,
    ipPrefix: `10.${v % 250}.0.0/16`,
    deviceId: `d-${v}`,
    sessionId: `s-${v}`,
    gpc: false,
    data,
  };
}
