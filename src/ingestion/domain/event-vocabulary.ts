/**
 * Closed vocabularies used inside event payloads. Fields with an open vocabulary (processing purposes,
 * data categories, tracking vendors) are bounded by format instead, see event-formats.ts.
 */

export const ACTOR_TYPES = ['viewer', 'staff', 'service', 'partner'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** data.accessed is only ever done by the platform's own people or services. */
export const INTERNAL_ACTOR_TYPES = ['staff', 'service'] as const;
export type InternalActorType = (typeof INTERNAL_ACTOR_TYPES)[number];

export const CONSENT_PURPOSES = [
  'analytics',
  'marketing',
  'personalisation',
  'ads_targeting',
  'third_party_sharing',
  'sale_share',
  'viewing_history_disclosure',
  'cross_border_transfer',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const LEGAL_BASES = ['consent', 'legitimate_interest'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

export const PARENTAL_CONSENT_SCOPES = ['collection', 'third_party_disclosure', 'sale_share'] as const;
export type ParentalConsentScope = (typeof PARENTAL_CONSENT_SCOPES)[number];

/** Verifiable parental consent methods (COPPA 16 CFR 312.5(b)(2), as amended 2025), plus `other`. */
export const PARENTAL_CONSENT_METHODS = [
  'signed_form',
  'payment_card',
  'phone_call',
  'video_call',
  'id_document',
  'knowledge_questions',
  'face_match',
  'text_plus',
  'email_plus',
  'other',
] as const;
export type ParentalConsentMethod = (typeof PARENTAL_CONSENT_METHODS)[number];

export const AGE_VERIFICATION_METHODS = [
  'self_declaration',
  'id_document',
  'payment_card',
  'age_estimation',
  'digital_identity',
  'parental_attestation',
  'other',
] as const;
export type AgeVerificationMethod = (typeof AGE_VERIFICATION_METHODS)[number];

/**
 * Age bands for verifiers that return a band rather than an age. The cut points are the ones rules need:
 * 13 (COPPA, lowest GDPR Art. 8 age), 16 (GDPR default, CCPA sale opt-in), 18 (DSA minors).
 */
export const AGE_BANDS = ['under_13', '13_15', '16_17', '18_plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const ACCOUNT_CLOSURE_REASONS = [
  'viewer_request',
  'inactivity',
  'terms_violation',
  'fraud',
  'other',
] as const;
export type AccountClosureReason = (typeof ACCOUNT_CLOSURE_REASONS)[number];

export const AD_TARGETING_KINDS = ['contextual', 'profiled', 'cross_context'] as const;
export type AdTargeting = (typeof AD_TARGETING_KINDS)[number];

/**
 * Who received a data.shared / data.exported: a processor acting for the platform, a third party, or
 * the viewer themself (`data_subject`: a download or export to the person the data is about, which
 * VPPA §2710(b)(2)(A) allows without consent).
 */
export const RECIPIENT_TYPES = ['processor', 'third_party', 'data_subject'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/**
 * Purposes staff may read a viewer's personal data for (data.accessed by a staff actor). The
 * contract's examples and GDPR-09A's allowed purposes both use these words: customer support is
 * `support`.
 */
export const SUPPORT_PURPOSE = 'support';
export const STAFF_ACCESS_PURPOSES = [
  SUPPORT_PURPOSE,
  'fraud_investigation',
  'dsr_fulfilment',
  'legal_request',
  'security_incident',
  'billing',
] as const;
export type StaffAccessPurpose = (typeof STAFF_ACCESS_PURPOSES)[number];

export const TRANSFER_SAFEGUARDS = ['scc', 'bcr', 'code', 'certification', 'derogation', 'none'] as const;
export type TransferSafeguard = (typeof TRANSFER_SAFEGUARDS)[number];

/**
 * The transfer tools that make a transfer outside the EEA lawful without adequacy (GDPR Art. 46(2)(c), (b)
 * with Art. 47, (e), (f)): standard contractual clauses, binding corporate rules, an approved code of conduct
 * or certification. A `derogation` (Art. 49) is an exception for occasional transfers, not a safeguard.
 */
export const ART_46_SAFEGUARDS = [
  'scc',
  'bcr',
  'code',
  'certification',
] as const satisfies readonly TransferSafeguard[];

export const DSR_TYPES = [
  'access',
  'erasure',
  'portability',
  'rectification',
  'objection',
  'opt_out_sale',
  'limit_spi',
  'know',
  'delete',
  'correct',
] as const;
export type DsrType = (typeof DSR_TYPES)[number];

/** `simplified` / `complete` are the LGPD Art. 19 answer forms; the rest are portability formats. */
export const DSR_FORMATS = ['simplified', 'complete', 'json', 'csv', 'xml', 'pdf'] as const;
export type DsrFormat = (typeof DSR_FORMATS)[number];

/** Why a request's clock stops (UK GDPR Art. 12A); dsr.resumed names the reason that ended. */
export const DSR_PAUSE_REASONS = ['id_verification', 'clarification', 'fee', 'other'] as const;
export type DsrPauseReason = (typeof DSR_PAUSE_REASONS)[number];
