/**
 * What the compliance rules need to remember about a viewer and about an actor, as plain JSON-friendly
 * data (times are epoch milliseconds). The lead persists these: viewer profile + consents + requests per
 * viewer, counters per actor. Every part is rebuilt by the reducer from events alone.
 */
import type { LegalBasis } from '../../ingestion/domain/event-vocabulary';
import type { ActorType } from './compliance-event';
import { cloneWindow, emptyWindow, HOUR_MS, type WindowedActivity } from './windowed-activity';

export const VIEWER_STATE_VERSION = 1;

export type ConsentState = 'granted' | 'withdrawn';
export type { LegalBasis };

/** Latest record of one viewer for one purpose (the consent ledger is a map purpose → record). */
export interface ConsentRecord {
  purpose: string;
  state: ConsentState;
  /** When the current state was recorded. */
  at: number;
  basis: LegalBasis;
  noticeVersion: string | null;
  separateForm: boolean;
  explicit: boolean;
  expiresAt: number | null;
  /** Latest grant, kept after a withdrawal as evidence (VPPA two-year limit is counted from it). */
  grantedAt: number | null;
  grantedBy: ActorType | null;
  eventId: string;
}

export interface ParentalConsent {
  verified: boolean;
  method: string | null;
  scopes: string[];
  at: number;
  eventId: string;
}

export interface ViewerProfile {
  /** Country of the account (account.created), ISO alpha-2, or ISO 3166-2 such as US-CA. */
  country: string | null;
  /**
   * Latest ISO 3166-2 subdivision an event of the viewer carried ("US-CA"). Optional: states stored
   * before it existed lack it, which reads as unknown.
   */
  subdivision?: string | null;
  createdAt: number | null;
  birthYear: number | null;
  verifiedAge: number | null;
  ageBand: string | null;
  ageVerifiedAt: number | null;
  ageVerificationMethod: string | null;
  parental: ParentalConsent | null;
  closedAt: number | null;
  closedEventId: string | null;
  lastActivityAt: number | null;
}

export interface DsrPause {
  from: number;
  to: number | null;
  reason: string | null;
}

export interface DsrRecord {
  requestId: string;
  type: string;
  jurisdiction: string;
  format: string | null;
  openedAt: number;
  openedEventId: string;
  extension: { notifiedAt: number; reason: string | null; eventId: string } | null;
  pauses: DsrPause[];
  completedAt: number | null;
  refusedAt: number | null;
  closedEventId: string | null;
  recipientsNotified: string[];
}

export interface SignalRecord {
  at: number;
  eventId: string;
}

/** Opt-outs and objections that outlive a single consent record. */
export interface PrivacySignals {
  /** CCPA opt-out of sale/share: dsr.opened{opt_out_sale} or consent.withdrawn{sale_share}. */
  optOutSale: (SignalRecord & { source: 'dsr' | 'consent' }) | null;
  /** First Global Privacy Control signal seen on a request tied to the account. */
  gpc: SignalRecord | null;
  /** deviceId → first GPC signal from that browser/device. */
  gpcDevices: Record<string, SignalRecord>;
  limitSpi: SignalRecord | null;
  /** GDPR Art. 21 objection to direct marketing. */
  marketingObjection: SignalRecord | null;
  /** Erasure request completed (GDPR Art. 17; CCPA delete). */
  erasure: (SignalRecord & { requestId: string }) | null;
}

/** Where a category of personal data stands, for retention checks. */
export interface DataHolding {
  firstCollectedAt: number;
  lastCollectedAt: number;
  deletedAt: number | null;
}

export interface RecipientRecord {
  firstSharedAt: number;
  lastSharedAt: number;
  eventId: string;
}

export interface LoginSnapshot {
  at: number;
  eventId: string;
  country: string | null;
  /** The login came from a country not seen on an earlier successful login (false for the first login). */
  newCountry: boolean;
  /** auth.login.failed in the 10 minutes before this login, and their distinct IP prefixes. */
  failuresBefore: number;
  failureIpsBefore: number;
}

export interface BreachRecord {
  breachId: string;
  personalData: boolean;
  awareAt: number;
  confirmedEventId: string;
  authorityNotifiedAt: number | null;
}

export interface ViewerState {
  stateVersion: number;
  userId: string;
  /** occurredAt of the newest event applied. */
  asOf: number | null;
  profile: ViewerProfile;
  consents: Record<string, ConsentRecord>;
  dsrs: Record<string, DsrRecord>;
  signals: PrivacySignals;
  holdings: Record<string, DataHolding>;
  /** Third parties (and processors) that received this viewer's data, for GDPR Art. 19 notices. */
  recipients: Record<string, RecipientRecord>;
  /** auth.login.failed per minute, keyed by IP prefix (distinct IPs). */
  loginFailures: WindowedActivity;
  countriesSeen: string[];
  lastLogin: LoginSnapshot | null;
  /** Breaches are recorded against the envelope's userId (usually a platform subject). */
  breaches: Record<string, BreachRecord>;
}

export interface ActorState {
  actorId: string;
  actorType: ActorType;
  /** data.accessed by this actor per minute: key = viewer id, amount = recordCount. */
  access: WindowedActivity;
}

export const LOGIN_FAILURE_HORIZON_MS = HOUR_MS;
/** Actor windows keep one hour (GDPR-10 windows are at most 60 minutes). */
export const ACTOR_ACCESS_HORIZON_MS = HOUR_MS;

export function emptyViewerState(userId: string): ViewerState {
  return {
    stateVersion: VIEWER_STATE_VERSION,
    userId,
    asOf: null,
    profile: {
      country: null,
      subdivision: null,
      createdAt: null,
      birthYear: null,
      verifiedAge: null,
      ageBand: null,
      ageVerifiedAt: null,
      ageVerificationMethod: null,
      parental: null,
      closedAt: null,
      closedEventId: null,
      lastActivityAt: null,
    },
    consents: {},
    dsrs: {},
    signals: {
      optOutSale: null,
      gpc: null,
      gpcDevices: {},
      limitSpi: null,
      marketingObjection: null,
      erasure: null,
    },
    holdings: {},
    recipients: {},
    loginFailures: emptyWindow(LOGIN_FAILURE_HORIZON_MS),
    countriesSeen: [],
    lastLogin: null,
    breaches: {},
  };
}

export function emptyActorState(actorId: string, actorType: ActorType): ActorState {
  return { actorId, actorType, access: emptyWindow(ACTOR_ACCESS_HORIZON_MS) };
}

/** Deep copy; the reducer works on a copy so that states handed in are never changed. */
export function cloneViewerState(s: ViewerState): ViewerState {
  const dsrs: Record<string, DsrRecord> = {};
  for (const id of Object.keys(s.dsrs)) {
    const d = s.dsrs[id];
    dsrs[id] = {
      ...d,
      extension: d.extension && { ...d.extension },
      pauses: d.pauses.map((p) => ({ ...p })),
      recipientsNotified: [...d.recipientsNotified],
    };
  }
  return {
    ...s,
    profile: {
      ...s.profile,
      parental: s.profile.parental && { ...s.profile.parental, scopes: [...s.profile.parental.scopes] },
    },
    consents: copyRecords(s.consents),
    dsrs,
    signals: {
      ...s.signals,
      optOutSale: s.signals.optOutSale && { ...s.signals.optOutSale },
      gpc: s.signals.gpc && { ...s.signals.gpc },
      gpcDevices: copyRecords(s.signals.gpcDevices),
      limitSpi: s.signals.limitSpi && { ...s.signals.limitSpi },
      marketingObjection: s.signals.marketingObjection && { ...s.signals.marketingObjection },
      erasure: s.signals.erasure && { ...s.signals.erasure },
    },
    holdings: copyRecords(s.holdings),
    recipients: copyRecords(s.recipients),
    loginFailures: cloneWindow(s.loginFailures),
    countriesSeen: [...s.countriesSeen],
    lastLogin: s.lastLogin && { ...s.lastLogin },
    breaches: copyRecords(s.breaches),
  };
}

export function cloneActorState(s: ActorState): ActorState {
  return { ...s, access: cloneWindow(s.access) };
}

// ---- copy-on-write ----

export type StateSection =
  | 'profile'
  | 'consents'
  | 'dsrs'
  | 'signals'
  | 'holdings'
  | 'recipients'
  | 'loginFailures'
  | 'countriesSeen'
  | 'breaches';

const ALL_SECTIONS: readonly StateSection[] = [
  'profile',
  'consents',
  'dsrs',
  'signals',
  'holdings',
  'recipients',
  'loginFailures',
  'countriesSeen',
  'breaches',
];

/** How to copy a section before writing to it (nested objects the reducer mutates are copied too). */
const COPY_SECTION: { [K in StateSection]: (v: ViewerState[K]) => ViewerState[K] } = {
  profile: (p) => ({ ...p }),
  consents: (c) => ({ ...c }),
  dsrs: (dsrs) => {
    const out: Record<string, DsrRecord> = {};
    for (const id of Object.keys(dsrs)) {
      const d = dsrs[id];
      out[id] = {
        ...d,
        pauses: d.pauses.map((p) => ({ ...p })),
        recipientsNotified: [...d.recipientsNotified],
      };
    }
    return out;
  },
  signals: (sig) => ({ ...sig, gpcDevices: { ...sig.gpcDevices } }),
  holdings: (h) => copyRecords(h),
  recipients: (r) => copyRecords(r),
  loginFailures: (w) => cloneWindow(w),
  countriesSeen: (c) => [...c],
  breaches: (b) => copyRecords(b),
};

const SECTION_BIT = Object.fromEntries(ALL_SECTIONS.map((k, i) => [k, 1 << i])) as Record<
  StateSection,
  number
>;
const ALL_BITS = (1 << ALL_SECTIONS.length) - 1;

/**
 * Sections (as bits) a state still shares with another state and must copy before writing, kept in a
 * non-enumerable property so it never reaches JSON, spreads or equality checks.
 */
const SHARED = Symbol('sharedSections');
type Tracked = ViewerState & { [SHARED]?: number };

function markShared(s: ViewerState, bits: number): void {
  const t = s as Tracked;
  if (Object.prototype.hasOwnProperty.call(t, SHARED)) t[SHARED] = bits;
  else Object.defineProperty(t, SHARED, { value: bits, writable: true, enumerable: false });
}

/**
 * A new state value sharing every section with `s` (structural sharing); both copy a section on their
 * first write to it (see `own`). O(1), unlike cloneViewerState.
 */
export function borrowViewerState(s: ViewerState): ViewerState {
  const copy = { ...s };
  markShared(copy, ALL_BITS);
  markShared(s, ALL_BITS);
  return copy;
}

/** The section of `s`, made private to `s` first if it is shared. Call before mutating a section. */
export function own<K extends StateSection>(s: ViewerState, section: K): ViewerState[K] {
  const bits = (s as Tracked)[SHARED];
  if (bits !== undefined && (bits & SECTION_BIT[section]) !== 0) {
    s[section] = COPY_SECTION[section](s[section]);
    (s as Tracked)[SHARED] = bits & ~SECTION_BIT[section];
  }
  return s[section];
}

function copyRecords<T extends object>(source: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(source)) out[k] = { ...source[k] };
  return out;
}
