/**
 * Expression fragments and parameter declarations several packs share. They are pasted into each rule's
 * condition text when the seed is built, so each stored rule stays self-contained data.
 */
import { ART_46_SAFEGUARDS } from '../../ingestion/domain/event-vocabulary';
import { CONSENT_PURPOSES } from '../domain/compliance-event';
import type { RuleParameter } from '../domain/rule';

export const CONSENT_BASED_PURPOSES: RuleParameter = {
  type: 'list',
  default: [...CONSENT_PURPOSES],
  description: 'Purposes this service bases on consent (the others rely on another legal basis).',
};

export const VALID_TRANSFER_SAFEGUARDS: RuleParameter = {
  type: 'list',
  default: [...ART_46_SAFEGUARDS],
  description: 'Transfer tools that make a transfer lawful without adequacy (GDPR Art. 46(2)).',
};

/**
 * What a US viewer whose state is unknown counts as. Default "not_california": CCPA/CPRA protects California
 * residents only, and treating every US viewer as one raised false findings for the other 49 states.
 * "california" is the cautious choice for a service whose audience is mostly Californian.
 */
export const UNKNOWN_US_STATE: RuleParameter = {
  type: 'string',
  default: 'not_california',
  oneOf: ['not_california', 'california'],
  description:
    'How to treat a US viewer whose state (ISO 3166-2 subdivision) is unknown: "not_california" (default) ' +
    'or "california" (as a California resident).',
};

export const BUSINESS_DAY_GRACE: RuleParameter = {
  type: 'number',
  default: 15,
  min: 0,
  max: 15,
  description:
    'Business days (California holidays excluded) allowed to act on the request (11 CCR §7026(f)).',
};

/**
 * The viewer lives in California: their subdivision (the event's, else the latest known, else the account's)
 * is US-CA; or they are in the US with no state known and the parameter says to count them as Californian.
 */
export const IS_CALIFORNIA =
  '(viewer.subdivision == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsState == "california"))';

/** The event sells or shares personal information (CCPA "sale" or cross-context behavioural advertising). */
export const IS_SALE_OR_SHARE =
  '((event.type != "ad.served" && data.saleOrShare) || (event.type == "ad.served" && data.targeting == "cross_context"))';

export const IS_EEA = 'ref.inSet("EEA", viewer.country)';

/** The event uses a child's personal information beyond contextual, non-persistent processing. */
export const PROCESSES_PERSONAL_DATA =
  '(event.type != "tracking.fired" || (data.persistentId && !data.strictlyNecessary)) && ' +
  '(event.type != "ad.served" || data.targeting != "contextual") && ' +
  '(event.type != "playback.started" || data.personalised)';

export const PROCESSING_EVENTS = [
  'tracking.fired',
  'ad.served',
  'data.accessed',
  'data.shared',
  'data.exported',
] as const;

export const DSR_DEADLINE_CONDITION = '!request.closed && now > request.due';

export const DSR_EXPLANATION =
  '"The " + request.type + " request " + request.id + " (" + request.jurisdiction + ") of viewer " + viewer.userId + ' +
  '" opened at " + iso(request.openedAt) + " was due by " + iso(request.due) + ' +
  '(request.extended ? " (extended)" : (request.extensionTooLate ? " (the extension was notified too late to count)" : "")) + ' +
  '(request.pausedMs > 0.0 ? " after " + span(request.pausedMs) + " paused" : "") + ' +
  '"; it is still open " + span(now - request.due) + " later."';
