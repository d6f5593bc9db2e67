/**
 * Seed reference lists, versioned. A new decision (a new adequacy country, a changed national age) is a
 * new version of the list, never an edit of an old one, so findings that cite `ADEQ@2025-12` stay
 * reproducible. Sources: see shared/reference/rule-catalog.md §3.
 */
import type { AgeTable, ReferenceBundle, ReferenceSet, SetMember } from './reference-data';

const EEA_CODES = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
];

export const EEA_2025_01: ReferenceSet = {
  name: 'EEA',
  version: '2025-01',
  description: 'European Economic Area: the 27 EU member states plus Iceland, Liechtenstein and Norway.',
  source: 'EEA Agreement; EU membership as of 2025',
  members: EEA_CODES.map((code) => ({ code })),
};

const ADEQ_2025_12_MEMBERS: SetMember[] = [
  { code: 'AD' },
  { code: 'AR' },
  { code: 'CA', scope: 'pipeda_covered', note: 'only recipients subject to PIPEDA' },
  { code: 'FO' },
  { code: 'GG' },
  { code: 'IL' },
  { code: 'IM' },
  { code: 'JP' },
  { code: 'JE' },
  { code: 'NZ' },
  { code: 'KR' },
  { code: 'CH' },
  { code: 'GB', note: 'adequacy renewed December 2025, to 2031' },
  { code: 'UY' },
  {
    code: 'US',
    scope: 'dpf_certified',
    note: 'only recipients certified under the EU-US Data Privacy Framework',
  },
];

/** EU adequacy decisions (GDPR Art. 45), status end of 2025. */
export const ADEQ_2025_12: ReferenceSet = {
  name: 'ADEQ',
  version: '2025-12',
  description:
    'Countries with an EU adequacy decision (GDPR Art. 45). US counts only for DPF-certified recipients, ' +
    'CA only for recipients subject to PIPEDA. The European Patent Organisation (adequacy of 15 Jul 2025) is ' +
    'an international organisation, not a country code.',
  source: 'European Commission adequacy decisions page (status end 2025)',
  members: ADEQ_2025_12_MEMBERS,
};

/** Adds Brazil (mutual adequacy adopted 27 Jan 2026) from that date. */
export const ADEQ_2026_01: ReferenceSet = {
  ...ADEQ_2025_12,
  version: '2026-01',
  source: 'European Commission adequacy decisions page; Brazil decision of 27 Jan 2026',
  members: [
    ...ADEQ_2025_12_MEMBERS,
    { code: 'BR', from: '2026-01-27', note: 'adequacy decision of 27 Jan 2026' },
  ],
};

/**
 * Countries the ANPD recognises as adequate for LGPD Art. 33, I. Empty until the ANPD publishes its
 * list (verify); the EU/EEA reciprocal recognition is configuration, not assumed.
 */
export const ANPD_ADEQ_2026_01: ReferenceSet = {
  name: 'ANPD_ADEQ',
  version: '2026-01',
  description:
    'Countries recognised by Brazil’s ANPD as providing an adequate level of protection (LGPD Art. 33, I).',
  source: 'ANPD (verify before relying on it)',
  members: [],
};

/**
 * Ad segments that reveal special categories of data (GDPR Art. 9(1); DSA Art. 26(3)), including
 * segments inferred from viewing (genres, titles).
 */
export const SPECIAL_SEGMENTS_2026_01: ReferenceSet = {
  name: 'SPECIAL_SEGMENTS',
  version: '2026-01',
  description: 'Ad-targeting segments that reveal or infer GDPR Art. 9 special categories.',
  source: 'GDPR Art. 9(1); DSA Art. 26(3) and recital 69; platform segment taxonomy',
  members: [
    'religion',
    'religious_content',
    'health',
    'health_conditions',
    'mental_health',
    'pregnancy',
    'sexual_orientation',
    'lgbtq',
    'lgbtq+ viewers',
    'ethnicity',
    'ethnic_origin',
    'politics',
    'political_views',
    'trade_union',
    'biometric',
    'genetic',
    'sex_life',
  ].map((code) => ({ code })),
};

/** CCPA sensitive personal information categories (Cal. Civ. Code §1798.140(ae)). */
export const CCPA_SPI_2026_01: ReferenceSet = {
  name: 'CCPA_SPI',
  version: '2026-01',
  description: 'Categories and segments that are sensitive personal information under CCPA §1798.140(ae).',
  source: 'Cal. Civ. Code §1798.140(ae)',
  members: [
    'precise_geo',
    'precise_geolocation',
    'account_login',
    'account_credentials',
    'government_id',
    'ssn',
    'financial_account',
    'racial_origin',
    'ethnicity',
    'religion',
    'union_membership',
    'genetic',
    'biometric',
    'health',
    'sex_life',
    'sexual_orientation',
    'communications_content',
  ].map((code) => ({ code })),
};

/** GDPR Art. 8 national ages of digital consent; UK GDPR Art. 8(1) as amended by DPA 2018 s.9. */
export const AGE_OF_CONSENT_2025_12: AgeTable = {
  name: 'AGE_OF_CONSENT',
  version: '2025-12',
  description:
    'Age below which consent for information-society services needs a holder of parental responsibility.',
  // BE DK FI SE AT ES IT CZ FR GB are checked (rule catalog); the others are from the same tracker from memory: verify.
  source: 'GDPR Art. 8(1) national choices (Bird & Bird GDPR tracker); UK DPA 2018 s.9',
  defaultAge: 16,
  ages: {
    BE: 13,
    DK: 13,
    FI: 13,
    SE: 13,
    EE: 13,
    LV: 13,
    MT: 13,
    PT: 13,
    NO: 13,
    IS: 13,
    AT: 14,
    ES: 14,
    IT: 14,
    BG: 14,
    CY: 14,
    LT: 14,
    CZ: 15,
    FR: 15,
    GR: 15,
    SI: 15,
    GB: 13,
  },
};

export const REFERENCE_BUNDLE: ReferenceBundle = {
  sets: [
    EEA_2025_01,
    ADEQ_2025_12,
    ADEQ_2026_01,
    ANPD_ADEQ_2026_01,
    SPECIAL_SEGMENTS_2026_01,
    CCPA_SPI_2026_01,
  ],
  ageTables: [AGE_OF_CONSENT_2025_12],
};
