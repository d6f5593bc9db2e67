/**
 * An independent check of a generated stream, written from the rule catalog rather than from the
 * generator: replays each viewer's events in time order and reports every use of personal data that is
 * not covered at that moment — a consent-based purpose without a standing consent, a child's data without
 * verified parental consent, viewing history disclosed without a separate VPPA consent, a transfer out of
 * the EEA or Brazil with no safeguard, a sale after an opt-out, a staff read without a ticket. The
 * generator's clean viewers must produce none of these.
 */
import { VALID_TRANSFER_SAFEGUARDS } from '../../src/compliance/rule-packs/common';
import { parseTimestampMs } from '../../src/ingestion/domain/event-formats';
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import { CONSENT_PURPOSES } from '../../src/ingestion/domain/event-vocabulary';
import { EU_ADEQUATE, isEea, parentalConsentAge, youngestAge } from './world';

export interface ConsentOrderViolation {
  eventId: string;
  userId: string;
  type: string;
  reason: string;
}

interface LedgerEntry {
  granted: boolean;
  separateForm: boolean;
  explicit: boolean;
}

interface ViewerLedger {
  country: string | null;
  birthYear: number | null;
  parentalVerified: boolean;
  consents: Map<string, LedgerEntry>;
  optedOutOfSale: boolean;
}

const CONSENT_BASED: ReadonlySet<string> = new Set(CONSENT_PURPOSES);
// The rules' own default list of lawful transfer tools, so the checker and the rules agree.
const VALID_SAFEGUARDS: ReadonlySet<string> = new Set(VALID_TRANSFER_SAFEGUARDS.default as string[]);
const VIDEO_PARAMS = ['content_name', 'content_id', 'contentId', 'title', 'video_title', 'content_ids'];
const PERSON_PARAMS = ['external_id', 'user_id', 'userId', 'em', 'email', 'ph', 'fbp', 'uid'];

/** The processing purpose an event relies on, or null when it processes nothing beyond the necessary. */
export function processingPurpose(event: IngestedEvent): string | null {
  switch (event.type) {
    case 'tracking.fired':
      return event.data.strictlyNecessary ? null : event.data.purpose;
    case 'ad.served':
      return event.data.targeting === 'contextual' ? null : (event.data.purpose ?? 'ads_targeting');
    case 'data.accessed':
      return event.data.purpose;
    case 'data.shared':
    case 'data.exported': {
      const d = event.data;
      if (d.purpose !== undefined) return d.purpose;
      if (d.saleOrShare) return 'sale_share';
      if (d.includesViewingHistory) return 'viewing_history_disclosure';
      return d.recipientType === 'third_party' ? 'third_party_sharing' : 'service_delivery';
    }
    case 'playback.started':
      return event.data.personalised ? 'personalisation' : null;
    default:
      return null;
  }
}

/** Violations in `events` (any order; replayed in occurredAt order, ties in input order). */
export function findConsentOrderViolations(events: Iterable<IngestedEvent>): ConsentOrderViolation[] {
  const ordered = [...events]
    .map((event, index) => ({ event, index, at: parseTimestampMs(event.occurredAt) }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const ledgers = new Map<string, ViewerLedger>();
  const violations: ConsentOrderViolation[] = [];
  for (const { event, at } of ordered) {
    if (event.userId === undefined) continue;
    let ledger = ledgers.get(event.userId);
    if (ledger === undefined) {
      ledger = {
        country: null,
        birthYear: null,
        parentalVerified: false,
        consents: new Map(),
        optedOutOfSale: false,
      };
      ledgers.set(event.userId, ledger);
    }
    for (const reason of check(event, ledger, at)) {
      violations.push({ eventId: event.eventId, userId: event.userId, type: event.type, reason });
    }
    apply(event, ledger);
  }
  return violations;
}

function check(event: IngestedEvent, ledger: ViewerLedger, at: number): string[] {
  const reasons: string[] = [];
  const country = ledger.country ?? event.country?.toUpperCase() ?? '';
  const age = ledger.birthYear === null ? null : youngestAge(ledger.birthYear, at);
  const child = age !== null && age < parentalConsentAge(country) && !ledger.parentalVerified;
  const purpose = processingPurpose(event);
  const consent = (p: string) => ledger.consents.get(p);

  if (purpose !== null && CONSENT_BASED.has(purpose) && consent(purpose)?.granted !== true) {
    reasons.push(`used for ${purpose} without a standing consent`);
  }
  const persistentTracking =
    event.type === 'tracking.fired' && event.data.persistentId && !event.data.strictlyNecessary;
  const consenting = event.type === 'consent.granted' && event.actor.type === 'viewer';
  if (child && (purpose !== null || persistentTracking || consenting)) {
    reasons.push(`child (${age}) in ${country} without verified parental consent`);
  }
  if (age !== null && age < 18 && event.type === 'ad.served' && event.data.targeting !== 'contextual') {
    reasons.push(`profiled ad for a minor (${age})`);
  }
  if (country === 'US') {
    const vppa = consent('viewing_history_disclosure');
    const validVppa = vppa?.granted === true && vppa.separateForm;
    const params = event.type === 'tracking.fired' ? Object.keys(event.data.params ?? {}) : [];
    const pixelDisclosure =
      params.some((k) => VIDEO_PARAMS.includes(k)) && params.some((k) => PERSON_PARAMS.includes(k));
    const shareDisclosure =
      (event.type === 'data.shared' || event.type === 'data.exported') && event.data.includesViewingHistory;
    if ((pixelDisclosure || shareDisclosure) && !validVppa)
      reasons.push('viewing history disclosed without a separate VPPA consent');
    const sale =
      ((event.type === 'data.shared' || event.type === 'data.exported') && event.data.saleOrShare) ||
      (event.type === 'ad.served' && event.data.targeting === 'cross_context');
    if (sale && ledger.optedOutOfSale) reasons.push('sold or shared after an opt-out');
    if (sale && age !== null && age < 16) reasons.push(`sold or shared data of a minor (${age})`);
  }
  if (
    (event.type === 'data.shared' || event.type === 'data.exported') &&
    event.data.recipient !== 'data_subject'
  ) {
    const d = event.data;
    const rc = d.recipientCountry.toUpperCase();
    const transferConsent = consent('cross_border_transfer');
    if (isEea(country) && !isEea(rc) && !VALID_SAFEGUARDS.has(d.safeguard)) {
      const adequate = EU_ADEQUATE.has(rc) && (rc !== 'US' || d.dpfCertified === true);
      if (!adequate && !(transferConsent?.granted === true && transferConsent.explicit)) {
        reasons.push(`transfer to ${rc} without adequacy, safeguard or explicit consent`);
      }
    }
    if (
      country === 'BR' &&
      rc !== 'BR' &&
      !VALID_SAFEGUARDS.has(d.safeguard) &&
      transferConsent?.granted !== true
    ) {
      reasons.push(`transfer of a Brazilian viewer's data to ${rc} without safeguard or consent`);
    }
  }
  if (event.type === 'data.accessed' && event.actor.type === 'staff' && event.data.ticketId === undefined) {
    reasons.push('staff access without a ticket');
  }
  return reasons;
}

function apply(event: IngestedEvent, ledger: ViewerLedger): void {
  switch (event.type) {
    case 'account.created':
      ledger.country = event.data.country.toUpperCase();
      ledger.birthYear = event.data.birthYear;
      break;
    case 'account.parental_consent_given':
      ledger.parentalVerified = event.data.verified;
      break;
    case 'consent.granted':
    case 'consent.withdrawn': {
      const granted = event.type === 'consent.granted';
      ledger.consents.set(event.data.purpose, {
        granted,
        separateForm: event.data.separateForm === true,
        explicit: event.data.explicit === true,
      });
      if (event.data.purpose === 'sale_share') ledger.optedOutOfSale = !granted;
      break;
    }
    case 'dsr.opened':
      if (event.data.type === 'opt_out_sale') ledger.optedOutOfSale = true;
      break;
    default:
      break;
  }
  if (event.gpc === true && event.actor.type === 'viewer') ledger.optedOutOfSale = true;
}
