/**
 * US state comprehensive privacy laws as data: one row per state with the sections each obligation rests
 * on. The rule templates in us-states.pack.ts turn each row into that state's rules, so adding a state or
 * correcting a citation is a change to this table only.
 *
 * Not legal advice, and not read in the official text. `cited` marks sections seen quoted in published copies
 * or summaries of the statute; `unverified` marks subsections written from memory of the statute's
 * structure, whose rule keeps "(verify)" in its reference until someone checks it. Dates are when the
 * obligation became enforceable (the law's effective date unless noted).
 */

/** A section of a statute, and whether it still needs checking against the enacted text. */
export interface Citation {
  section: string;
  verify: boolean;
}

/**
 * How the law treats sensitive data:
 * - consent: processing needs the consumer's consent (most states);
 * - opt_out: notice and a chance to opt out suffice (Utah, Iowa), so only processing after an opt-out breaks it;
 * - strictly_necessary: collection and processing only where strictly necessary, sale forbidden (Maryland).
 */
export type SensitiveDataRegime = 'consent' | 'opt_out' | 'strictly_necessary';

/**
 * Teen rules beyond COPPA (which covers under 13 through the COPPA rules), for known minors under `underAge`:
 * from `consentFrom`, targeted advertising and sale need the minor's own consent (ages 13 and up); from
 * `prohibitedFrom`, neither is allowed at all, whatever the consent (all ages under `underAge`).
 */
export interface TeenRule {
  /** Exclusive upper bound of the protected ages (16 = "younger than 16"). */
  underAge: number;
  consentFrom: string | null;
  prohibitedFrom: string | null;
  citation: Citation;
}

export interface UniversalOptOutDuty {
  /** When controllers had to start honouring a universal opt-out mechanism (Global Privacy Control). */
  from: string;
  citation: Citation;
}

export interface StatePrivacyLaw {
  /** ISO 3166-2 code of the state. */
  subdivision: string;
  state: string;
  law: string;
  /** Short name used in rule titles (VCDPA, CPA, …). */
  short: string;
  inForceFrom: string;
  /** Right to opt out of targeted advertising and sale. */
  optOut: Citation;
  sensitive: { regime: SensitiveDataRegime; citation: Citation };
  teen: TeenRule | null;
  universalOptOut: UniversalOptOutDuty | null;
  /** Response period for consumer requests, with the extension the statute allows (days). */
  requests: { days: number; extensionDays: number; citation: Citation };
}

const cited = (section: string): Citation => ({ section, verify: false });
const unverified = (section: string): Citation => ({ section, verify: true });

export const US_STATE_LAWS: readonly StatePrivacyLaw[] = [
  {
    subdivision: 'US-VA',
    state: 'Virginia',
    law: 'Virginia Consumer Data Protection Act',
    short: 'VCDPA',
    inForceFrom: '2023-01-01',
    optOut: cited('Va. Code §59.1-577(A)(5)'),
    sensitive: { regime: 'consent', citation: cited('Va. Code §59.1-578(A)(5)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('Va. Code §59.1-577(B)(1)') },
  },
  {
    subdivision: 'US-CO',
    state: 'Colorado',
    law: 'Colorado Privacy Act',
    short: 'CPA',
    inForceFrom: '2023-07-01',
    optOut: cited('C.R.S. §6-1-1306(1)(a)'),
    sensitive: { regime: 'consent', citation: cited('C.R.S. §6-1-1308(7)') },
    // SB 24-041: consent of a known minor (under 18) for targeted advertising and sale, from 1 Oct 2025.
    teen: {
      underAge: 18,
      consentFrom: '2025-10-01',
      prohibitedFrom: null,
      citation: cited('C.R.S. §6-1-1308.5(2)(a)(I)'),
    },
    universalOptOut: {
      from: '2024-07-01',
      citation: cited('C.R.S. §6-1-1306(1)(a)(IV); 4 CCR 904-3 Rule 5'),
    },
    requests: { days: 45, extensionDays: 45, citation: unverified('C.R.S. §6-1-1306(2)') },
  },
  {
    subdivision: 'US-CT',
    state: 'Connecticut',
    law: 'Connecticut Data Privacy Act',
    short: 'CTDPA',
    inForceFrom: '2023-07-01',
    optOut: cited('Conn. Gen. Stat. §42-518(a)(5)'),
    sensitive: { regime: 'consent', citation: cited('Conn. Gen. Stat. §42-520(a)(4)') },
    // Public Act 23-56 (SB 3): consent of known minors under 18 for targeted advertising and sale from
    // 1 Oct 2024; SB 1295 (2025) forbids both from 1 Jul 2026.
    teen: {
      underAge: 18,
      consentFrom: '2024-10-01',
      prohibitedFrom: '2026-07-01',
      citation: unverified('Conn. Gen. Stat. §42-529a(b)(1)(A), as amended by SB 1295 (2025)'),
    },
    universalOptOut: { from: '2025-01-01', citation: unverified('Conn. Gen. Stat. §42-520(e)(1)(A)(ii)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('Conn. Gen. Stat. §42-518(b)(1)') },
  },
  {
    subdivision: 'US-UT',
    state: 'Utah',
    law: 'Utah Consumer Privacy Act',
    short: 'UCPA',
    inForceFrom: '2023-12-31',
    optOut: cited('Utah Code §13-61-201(4)'),
    sensitive: { regime: 'opt_out', citation: cited('Utah Code §13-61-302(3)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('Utah Code §13-61-203(4)') },
  },
  {
    subdivision: 'US-TX',
    state: 'Texas',
    law: 'Texas Data Privacy and Security Act',
    short: 'TDPSA',
    inForceFrom: '2024-07-01',
    optOut: cited('Tex. Bus. & Com. Code §541.051(b)(5)'),
    sensitive: { regime: 'consent', citation: cited('Tex. Bus. & Com. Code §541.101(b)(4)') },
    teen: null,
    universalOptOut: { from: '2025-01-01', citation: cited('Tex. Bus. & Com. Code §541.055(e)') },
    requests: { days: 45, extensionDays: 45, citation: cited('Tex. Bus. & Com. Code §541.052(b)') },
  },
  {
    subdivision: 'US-OR',
    state: 'Oregon',
    law: 'Oregon Consumer Privacy Act',
    short: 'OCPA',
    inForceFrom: '2024-07-01',
    optOut: cited('ORS 646A.574(1)(d)'),
    sensitive: { regime: 'consent', citation: cited('ORS 646A.578(2)(b)') },
    // Consent of known consumers aged 13-15 from 1 Jul 2024; HB 2008 (2025): no targeted advertising,
    // profiling or sale for known consumers under 16 from 1 Jan 2026.
    teen: {
      underAge: 16,
      consentFrom: '2024-07-01',
      prohibitedFrom: '2026-01-01',
      citation: unverified('ORS 646A.578(2), as amended by HB 2008 (2025)'),
    },
    universalOptOut: { from: '2026-01-01', citation: unverified('ORS 646A.574(5)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('ORS 646A.576(2)') },
  },
  {
    subdivision: 'US-MT',
    state: 'Montana',
    law: 'Montana Consumer Data Privacy Act',
    short: 'MCDPA',
    inForceFrom: '2024-10-01',
    optOut: unverified('Mont. Code Ann. §30-14-2808(1)(e)'),
    sensitive: { regime: 'consent', citation: unverified('Mont. Code Ann. §30-14-2812(2)(b)') },
    // SB 297 (2025) raised the consent age from 13-15 to under 18 from 1 Oct 2025.
    teen: {
      underAge: 18,
      consentFrom: '2025-10-01',
      prohibitedFrom: null,
      citation: unverified('Mont. Code Ann. §30-14-2812, as amended by SB 297 (2025)'),
    },
    universalOptOut: { from: '2025-01-01', citation: unverified('Mont. Code Ann. §30-14-2808(2)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('Mont. Code Ann. §30-14-2808(6)') },
  },
  {
    subdivision: 'US-IA',
    state: 'Iowa',
    law: 'Iowa Consumer Data Protection Act',
    short: 'ICDPA',
    inForceFrom: '2025-01-01',
    // Iowa grants an opt-out of sale; targeted advertising must be disclosed with a way to opt out.
    optOut: unverified('Iowa Code §715D.3(1)(d), §715D.4(6)'),
    sensitive: { regime: 'opt_out', citation: unverified('Iowa Code §715D.4(2)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 90, extensionDays: 45, citation: unverified('Iowa Code §715D.3(2)') },
  },
  {
    subdivision: 'US-DE',
    state: 'Delaware',
    law: 'Delaware Personal Data Privacy Act',
    short: 'DPDPA',
    inForceFrom: '2025-01-01',
    optOut: cited('Del. Code tit. 6, §12D-104(a)(6)'),
    sensitive: { regime: 'consent', citation: unverified('Del. Code tit. 6, §12D-106(a)(4)') },
    // Consent of known consumers aged 13-17.
    teen: {
      underAge: 18,
      consentFrom: '2025-01-01',
      prohibitedFrom: null,
      citation: unverified('Del. Code tit. 6, §12D-106(a)(7)'),
    },
    universalOptOut: { from: '2026-01-01', citation: cited('Del. Code tit. 6, §12D-106(e)') },
    requests: { days: 45, extensionDays: 45, citation: cited('Del. Code tit. 6, §12D-104(c)') },
  },
  {
    subdivision: 'US-NH',
    state: 'New Hampshire',
    law: 'New Hampshire privacy act (RSA ch. 507-H)',
    short: 'RSA 507-H',
    inForceFrom: '2025-01-01',
    optOut: unverified('RSA 507-H:4, I(e)'),
    sensitive: { regime: 'consent', citation: unverified('RSA 507-H:6, I(d)') },
    teen: {
      underAge: 16,
      consentFrom: '2025-01-01',
      prohibitedFrom: null,
      citation: unverified('RSA 507-H:6, I(g)'),
    },
    universalOptOut: { from: '2025-01-01', citation: unverified('RSA 507-H:6, V') },
    requests: { days: 45, extensionDays: 45, citation: unverified('RSA 507-H:4, III') },
  },
  {
    subdivision: 'US-NJ',
    state: 'New Jersey',
    law: 'New Jersey Data Privacy Act',
    short: 'NJDPA',
    inForceFrom: '2025-01-15',
    optOut: unverified('N.J.S.A. 56:8-166.10(a)(5)'),
    sensitive: { regime: 'consent', citation: unverified('N.J.S.A. 56:8-166.12(a)(4)') },
    // "At least 13 years of age but younger than 17".
    teen: {
      underAge: 17,
      consentFrom: '2025-01-15',
      prohibitedFrom: null,
      citation: unverified('N.J.S.A. 56:8-166.12(a)(7)'),
    },
    universalOptOut: { from: '2025-07-15', citation: cited('N.J.S.A. 56:8-166.11(b)(1)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('N.J.S.A. 56:8-166.10(b)') },
  },
  {
    subdivision: 'US-NE',
    state: 'Nebraska',
    law: 'Nebraska Data Privacy Act',
    short: 'NDPA',
    inForceFrom: '2025-01-01',
    optOut: cited('Neb. Rev. Stat. §87-1107(2)(e)'),
    sensitive: {
      regime: 'consent',
      citation: unverified('Neb. Rev. Stat. §87-1101 et seq., controller duties (section to identify)'),
    },
    teen: null,
    // A consumer's agent may opt out through a browser setting or device signal, which controllers must honour.
    universalOptOut: { from: '2025-01-01', citation: cited('Neb. Rev. Stat. §87-1111(5)') },
    requests: { days: 45, extensionDays: 45, citation: cited('Neb. Rev. Stat. §87-1108') },
  },
  {
    subdivision: 'US-TN',
    state: 'Tennessee',
    law: 'Tennessee Information Protection Act',
    short: 'TIPA',
    inForceFrom: '2025-07-01',
    optOut: unverified('Tenn. Code Ann. §47-18-3203(a)(2)(E)'),
    sensitive: { regime: 'consent', citation: unverified('Tenn. Code Ann. §47-18-3204(a)(6)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('Tenn. Code Ann. §47-18-3203(b)') },
  },
  {
    subdivision: 'US-MN',
    state: 'Minnesota',
    law: 'Minnesota Consumer Data Privacy Act',
    short: 'MNCDPA',
    inForceFrom: '2025-07-31',
    optOut: cited('Minn. Stat. §325M.14, subd. 1(f)'),
    sensitive: { regime: 'consent', citation: unverified('Minn. Stat. §325M.16, subd. 2') },
    // "Between the ages of 13 and 16", read as 13 to 16 inclusive.
    teen: {
      underAge: 17,
      consentFrom: '2025-07-31',
      prohibitedFrom: null,
      citation: unverified('Minn. Stat. §325M.16, subd. 2(f)'),
    },
    universalOptOut: { from: '2025-07-31', citation: unverified('Minn. Stat. §325M.14, subd. 1(f)(2)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('Minn. Stat. §325M.14, subd. 3') },
  },
  {
    subdivision: 'US-MD',
    state: 'Maryland',
    law: 'Maryland Online Data Privacy Act',
    short: 'MODPA',
    // In force 1 Oct 2025, but not applied to processing before 1 Apr 2026 (verify).
    inForceFrom: '2026-04-01',
    optOut: unverified('Md. Code, Com. Law §14-4605(b)(5)'),
    sensitive: {
      regime: 'strictly_necessary',
      citation: cited('Md. Code, Com. Law §14-4607(a)(1)-(2)'),
    },
    // "Knew or should have known" the consumer is under 18: no targeted advertising, no sale.
    teen: {
      underAge: 18,
      consentFrom: null,
      prohibitedFrom: '2026-04-01',
      citation: cited('Md. Code, Com. Law §14-4607(a)(4)-(5)'),
    },
    universalOptOut: { from: '2026-04-01', citation: unverified('Md. Code, Com. Law §14-4605(e)') },
    requests: { days: 45, extensionDays: 45, citation: unverified('Md. Code, Com. Law §14-4605(c)') },
  },
  {
    subdivision: 'US-IN',
    state: 'Indiana',
    law: 'Indiana Consumer Data Protection Act',
    short: 'INCDPA',
    inForceFrom: '2026-01-01',
    optOut: unverified('Ind. Code §24-15-3-1(b)(5)'),
    sensitive: { regime: 'consent', citation: unverified('Ind. Code §24-15-4-1(5)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('Ind. Code §24-15-3-1(c)') },
  },
  {
    subdivision: 'US-KY',
    state: 'Kentucky',
    law: 'Kentucky Consumer Data Protection Act',
    short: 'KCDPA',
    inForceFrom: '2026-01-01',
    optOut: unverified('KRS 367.3615(2)(e)'),
    sensitive: { regime: 'consent', citation: unverified('KRS 367.3617(2)(b)') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('KRS 367.3615(3)') },
  },
  {
    subdivision: 'US-RI',
    state: 'Rhode Island',
    law: 'Rhode Island Data Transparency and Privacy Protection Act',
    short: 'RIDTPPA',
    inForceFrom: '2026-01-01',
    optOut: unverified('R.I. Gen. Laws §6-48.1-5(e)'),
    sensitive: { regime: 'consent', citation: unverified('R.I. Gen. Laws §6-48.1-7') },
    teen: null,
    universalOptOut: null,
    requests: { days: 45, extensionDays: 45, citation: unverified('R.I. Gen. Laws §6-48.1-5') },
  },
];

/** The citation as a rule's reference shows it: unchecked ones keep a "(verify)" mark. */
export function cite(c: Citation): string {
  return c.verify ? `${c.section} (verify)` : c.section;
}

/**
 * The request calendar of a covered state (by ISO 3166-2 code): 90 days (+45) is Iowa's ICDPA calendar,
 * 45 (+45) the CCPA one; null for a state the table does not cover.
 */
export function stateRequestCalendar(subdivision: string): 'CCPA' | 'ICDPA' | null {
  const law = US_STATE_LAWS.find((l) => l.subdivision === subdivision);
  if (!law) return null;
  if (law.requests.days === 90 && law.requests.extensionDays === 45) return 'ICDPA';
  if (law.requests.days === 45 && law.requests.extensionDays === 45) return 'CCPA';
  return null;
}
