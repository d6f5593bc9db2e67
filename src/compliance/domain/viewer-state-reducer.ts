/**
 * Event → state. `applyEvent` is pure (returns a new state); the evaluator and the back-tester use the
 * in-place variants on copies they own, so a batch copies each state once rather than once per event.
 * Events must be applied in occurredAt order; a late event still updates the records it owns (a consent
 * record only moves forward in time).
 */
import { str, strList, timeOf, type ComplianceEvent } from './compliance-event';
import {
  borrowViewerState,
  cloneActorState,
  emptyActorState,
  own,
  emptyViewerState,
  type ActorState,
  type ConsentRecord,
  type ViewerState,
} from './viewer-state';
import { countDistinct, countEvents, MINUTE_MS, recordActivity } from './windowed-activity';

/** Categories of personal data an event type collects, for retention anchors. */
const COLLECTED_BY_TYPE: Partial<Record<string, string[]>> = {
  'account.created': ['account'],
  'account.age_verified': ['age_verification'],
  'playback.started': ['viewing_history'],
};

const LOGIN_LOOKBACK_MS = 10 * MINUTE_MS;
const MAX_COUNTRIES_SEEN = 32;

export function applyEvent(state: ViewerState | undefined, event: ComplianceEvent): ViewerState {
  // Structural sharing: sections the event does not touch stay shared with `state`.
  const draft = state ? borrowViewerState(state) : emptyViewerState(event.userId);
  applyEventInPlace(draft, event);
  return draft;
}

export function applyActorEvent(state: ActorState | undefined, event: ComplianceEvent): ActorState {
  const draft = state ? cloneActorState(state) : emptyActorState(event.actorId, event.actorType);
  applyActorEventInPlace(draft, event);
  return draft;
}

/** Actors whose reads of personal data are counted (viewers reading their own data are not). */
export function tracksActor(event: ComplianceEvent): boolean {
  return event.type === 'data.accessed' && event.actorType !== 'viewer';
}

export function applyActorEventInPlace(draft: ActorState, event: ComplianceEvent): void {
  if (!tracksActor(event)) return;
  const records = typeof event.data.recordCount === 'number' ? event.data.recordCount : 1;
  recordActivity(draft.access, event.occurredAt.getTime(), event.userId, records);
}

export function applyEventInPlace(s: ViewerState, event: ComplianceEvent): void {
  const at = event.occurredAt.getTime();
  const d = event.data;
  if (s.asOf === null || at > s.asOf) s.asOf = at;
  if (event.actorType === 'viewer' && (s.profile.lastActivityAt === null || at > s.profile.lastActivityAt)) {
    own(s, 'profile').lastActivityAt = at;
  }
  // The latest subdivision wins: a viewer who moves from Texas to California is Californian from then on.
  if (event.subdivision !== null && event.subdivision !== undefined && event.subdivision !== s.profile.subdivision) {
    own(s, 'profile').subdivision = event.subdivision;
  }
  if (event.gpc) {
    if (!s.signals.gpc && event.actorType === 'viewer')
      own(s, 'signals').gpc = { at, eventId: event.eventId };
    if (event.deviceId && !s.signals.gpcDevices[event.deviceId]) {
      own(s, 'signals').gpcDevices[event.deviceId] = { at, eventId: event.eventId };
    }
  }
  const collected = COLLECTED_BY_TYPE[event.type];
  if (collected) for (const c of collected) collect(s, c, at);

  switch (event.type) {
    case 'account.created': {
      const country = str(d.country) || event.country;
      const profile = own(s, 'profile');
      profile.country = country ? country.toUpperCase() : null;
      profile.createdAt = at;
      if (typeof d.birthYear === 'number') profile.birthYear = d.birthYear;
      break;
    }
    case 'account.age_verified': {
      const profile = own(s, 'profile');
      if (typeof d.age === 'number') profile.verifiedAge = d.age;
      if (str(d.ageBand)) profile.ageBand = str(d.ageBand);
      profile.ageVerifiedAt = at;
      profile.ageVerificationMethod = str(d.method) || null;
      break;
    }
    case 'account.parental_consent_given':
      own(s, 'profile').parental = {
        verified: d.verified === true,
        method: str(d.method) || null,
        scopes: strList(d.scopes),
        at,
        eventId: event.eventId,
      };
      break;
    case 'account.closed':
      own(s, 'profile').closedAt = at;
      s.profile.closedEventId = event.eventId;
      break;
    case 'consent.granted':
    case 'consent.withdrawn':
      applyConsent(s, event, at);
      break;
    case 'data.shared':
    case 'data.exported': {
      const recipient = str(d.recipient);
      if (recipient) {
        const recipients = own(s, 'recipients');
        const known = recipients[recipient];
        if (known) known.lastSharedAt = Math.max(known.lastSharedAt, at);
        else recipients[recipient] = { firstSharedAt: at, lastSharedAt: at, eventId: event.eventId };
      }
      break;
    }
    case 'data.deleted':
      for (const c of strList(d.categories)) {
        const holdings = own(s, 'holdings');
        const held = holdings[c];
        if (held) held.deletedAt = Math.max(held.deletedAt ?? 0, at);
        else holdings[c] = { firstCollectedAt: at, lastCollectedAt: at, deletedAt: at };
      }
      break;
    case 'dsr.opened':
      applyDsrOpened(s, event, at);
      break;
    case 'dsr.extended': {
      const r = s.dsrs[str(d.requestId)] && own(s, 'dsrs')[str(d.requestId)];
      if (r && !r.extension) {
        r.extension = {
          notifiedAt: timeOf(d.notifiedAt) ?? at,
          reason: str(d.reason) || null,
          eventId: event.eventId,
        };
      }
      break;
    }
    case 'dsr.paused': {
      const r = s.dsrs[str(d.requestId)] && own(s, 'dsrs')[str(d.requestId)];
      if (r && !r.pauses.some((p) => p.to === null))
        r.pauses.push({ from: at, to: null, reason: str(d.reason) || null });
      break;
    }
    case 'dsr.resumed': {
      const open =
        s.dsrs[str(d.requestId)] && own(s, 'dsrs')[str(d.requestId)].pauses.find((p) => p.to === null);
      if (open) open.to = Math.max(at, open.from);
      break;
    }
    case 'dsr.completed':
    case 'dsr.refused': {
      const found = s.dsrs[str(d.requestId)];
      if (!found || found.completedAt !== null || found.refusedAt !== null) break;
      const r = own(s, 'dsrs')[found.requestId];
      if (event.type === 'dsr.completed') r.completedAt = at;
      else r.refusedAt = at;
      r.closedEventId = event.eventId;
      const open = r.pauses.find((p) => p.to === null);
      if (open) open.to = at;
      if (event.type === 'dsr.completed' && (r.type === 'erasure' || r.type === 'delete')) {
        own(s, 'signals').erasure = { at, eventId: event.eventId, requestId: r.requestId };
      }
      break;
    }
    case 'dsr.recipient_notified': {
      const r = s.dsrs[str(d.requestId)] && own(s, 'dsrs')[str(d.requestId)];
      const recipient = str(d.recipient);
      if (r && recipient && !r.recipientsNotified.includes(recipient)) r.recipientsNotified.push(recipient);
      break;
    }
    case 'auth.login.failed':
      recordActivity(own(s, 'loginFailures'), at, event.ipPrefix ?? 'unknown');
      break;
    case 'auth.login.succeeded': {
      const country = event.country;
      const newCountry = country !== null && s.countriesSeen.length > 0 && !s.countriesSeen.includes(country);
      s.lastLogin = {
        at,
        eventId: event.eventId,
        country,
        newCountry,
        failuresBefore: countEvents(s.loginFailures, at, LOGIN_LOOKBACK_MS),
        failureIpsBefore: countDistinct(s.loginFailures, at, LOGIN_LOOKBACK_MS),
      };
      if (country !== null && !s.countriesSeen.includes(country)) {
        const seen = own(s, 'countriesSeen');
        seen.push(country);
        if (seen.length > MAX_COUNTRIES_SEEN) seen.shift();
      }
      break;
    }
    case 'security.breach.confirmed': {
      const breachId = str(d.breachId);
      if (breachId && !s.breaches[breachId]) {
        own(s, 'breaches')[breachId] = {
          breachId,
          personalData: d.personalData !== false,
          awareAt: timeOf(d.awareAt) ?? at,
          confirmedEventId: event.eventId,
          authorityNotifiedAt: null,
        };
      }
      break;
    }
    case 'breach.authority_notified': {
      const b = s.breaches[str(d.breachId)] && own(s, 'breaches')[str(d.breachId)];
      if (b && b.authorityNotifiedAt === null) b.authorityNotifiedAt = at;
      break;
    }
    default:
      break;
  }
}

function collect(s: ViewerState, category: string, at: number): void {
  const held = s.holdings[category];
  if (!held) own(s, 'holdings')[category] = { firstCollectedAt: at, lastCollectedAt: at, deletedAt: null };
  else if (at > held.lastCollectedAt) own(s, 'holdings')[category].lastCollectedAt = at;
}

function applyConsent(s: ViewerState, event: ComplianceEvent, at: number): void {
  const d = event.data;
  const purpose = str(d.purpose);
  if (!purpose) return;
  const previous = s.consents[purpose];
  if (previous && previous.at > at) return; // a late event never overrides a newer decision
  const granted = event.type === 'consent.granted';
  const basis = d.basis === 'legitimate_interest' ? 'legitimate_interest' : 'consent';
  const record: ConsentRecord = {
    purpose,
    state: granted ? 'granted' : 'withdrawn',
    at,
    basis,
    noticeVersion: str(d.noticeVersion) || previous?.noticeVersion || null,
    separateForm: granted ? d.separateForm === true : (previous?.separateForm ?? false),
    explicit: granted ? d.explicit === true : (previous?.explicit ?? false),
    expiresAt: granted ? timeOf(d.expiresAt) : null,
    grantedAt: granted ? at : (previous?.grantedAt ?? null),
    grantedBy: granted ? event.actorType : (previous?.grantedBy ?? null),
    eventId: event.eventId,
  };
  own(s, 'consents')[purpose] = record;
  if (purpose === 'sale_share') {
    if (!granted && !s.signals.optOutSale)
      own(s, 'signals').optOutSale = { at, eventId: event.eventId, source: 'consent' };
    if (granted && event.actorType === 'viewer' && s.signals.optOutSale) own(s, 'signals').optOutSale = null; // an opt-in reverses an opt-out
  }
  if (
    purpose === 'marketing' &&
    !granted &&
    basis === 'legitimate_interest' &&
    !s.signals.marketingObjection
  ) {
    own(s, 'signals').marketingObjection = { at, eventId: event.eventId };
  }
}

function applyDsrOpened(s: ViewerState, event: ComplianceEvent, at: number): void {
  const d = event.data;
  const requestId = str(d.requestId);
  if (!requestId || s.dsrs[requestId]) return;
  const type = str(d.type);
  own(s, 'dsrs')[requestId] = {
    requestId,
    type,
    jurisdiction: str(d.jurisdiction).toUpperCase(),
    format: str(d.format) || null,
    openedAt: at,
    openedEventId: event.eventId,
    extension: null,
    pauses: [],
    completedAt: null,
    refusedAt: null,
    closedEventId: null,
    recipientsNotified: [],
  };
  const signal = { at, eventId: event.eventId };
  if (type === 'opt_out_sale' && !s.signals.optOutSale)
    own(s, 'signals').optOutSale = { ...signal, source: 'dsr' };
  if (type === 'limit_spi' && !s.signals.limitSpi) own(s, 'signals').limitSpi = signal;
  if (type === 'objection' && !s.signals.marketingObjection) own(s, 'signals').marketingObjection = signal;
}
