/**
 * Expression fragments and parameter declarations several packs share. They are pasted into each rule's
 * condition text when the seed is built, so each stored rule stays self-contained data.
 */
import { CONSENT_PURPOSES } from '../domain/compliance-event';
import type { RuleParameter } from '../domain/rule';

export const CONSENT_BASED_PURPOSES: RuleParameter = {
  type: 'list',
  default: [...CONSENT_PURPOSES],
  description: 'Purposes this service bases on consent (the others rely on another legal basis).',
};

export const VALID_TRANSFER_SAFEGUARDS: RuleParameter = {
  type: 'list',
  default: ['scc', 'bcr', 'code', 'certification'],
  description: 'Transfer tools that make a transfer lawful without adequacy (GDPR Art. 46(2)).',
};

export const UNKNOWN_US_STATE_IS_CALIFORNIA: RuleParameter = {
  type: 'boolean',
  default: true,
  description: 'Treat US viewers whose state is unknown as California residents (the cautious choice).',
};

export const BUSINESS_DAY_GRACE: RuleParameter = {
  type: 'number',
  default: 15,
  min: 0,
  max: 15,
  description:
    'Business days (California holidays excluded) allowed to act on the request (11 CCR §7026(f)).',
};

/** The viewer lives in California (or in the US with no state known, when the parameter says so). */
export const IS_CALIFORNIA =
  '(viewer.region == "US-CA" || (viewer.country == "US" && viewer.subdivision == "" && params.unknownUsStateIsCalifornia))';

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
