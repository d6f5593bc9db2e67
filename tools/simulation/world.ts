/**
 * The simulated platform's world: where viewers live (weights, time zones, address ranges), what they
 * watch on, what they watch, and who else touches their data (services, staff, processors, partners).
 * Plain data and a few pure helpers; nothing here draws random numbers.
 */
import { ADEQ_2026_01, AGE_OF_CONSENT_2025_12, EEA_2025_01 } from '../../src/compliance/domain/reference-sets';
import type {
  ConsentPurpose,
  RecipientType,
  StaffAccessPurpose,
} from '../../src/ingestion/domain/event-vocabulary';

export interface CountryProfile {
  code: string;
  /** Share of the viewer base, relative to the other countries. */
  weight: number;
  /** UTC offsets in minutes (standard time) and the share of the country's viewers in each. */
  zones: ReadonlyArray<readonly [offsetMinutes: number, share: number]>;
  /** /16 networks of consumer ISPs in the country, "a.b". */
  ipv4: readonly string[];
  /** First two groups of an IPv6 allocation used by a large ISP there. */
  ipv6: string;
}

const CET: CountryProfile['zones'] = [[60, 1]];
const WET: CountryProfile['zones'] = [[0, 1]];
const EET: CountryProfile['zones'] = [[120, 1]];

/** Weighted to the EU, the UK, the US, Brazil and Canada, with a tail of other markets. */
export const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'DE',
    weight: 10,
    zones: CET,
    ipv4: ['79.204', '84.150', '91.64', '93.202', '217.84'],
    ipv6: '2003:e6',
  },
  {
    code: 'FR',
    weight: 7.5,
    zones: CET,
    ipv4: ['90.12', '86.246', '92.184', '109.14', '176.180'],
    ipv6: '2a01:cb00',
  },
  { code: 'ES', weight: 4.5, zones: CET, ipv4: ['83.44', '88.26', '95.127', '81.32'], ipv6: '2a0c:5a80' },
  { code: 'IT', weight: 4.5, zones: CET, ipv4: ['79.12', '93.36', '151.38', '87.11'], ipv6: '2a01:e11' },
  { code: 'NL', weight: 3, zones: CET, ipv4: ['77.160', '84.104', '86.87'], ipv6: '2a02:a44' },
  { code: 'PL', weight: 2.5, zones: CET, ipv4: ['83.24', '89.64', '178.42'], ipv6: '2a02:a311' },
  { code: 'SE', weight: 1.3, zones: CET, ipv4: ['78.69', '90.224', '155.4'], ipv6: '2001:9b1' },
  { code: 'BE', weight: 1.3, zones: CET, ipv4: ['81.240', '91.176', '109.128'], ipv6: '2a02:1810' },
  { code: 'AT', weight: 1.1, zones: CET, ipv4: ['84.112', '91.113', '178.114'], ipv6: '2a02:8388' },
  { code: 'IE', weight: 1, zones: WET, ipv4: ['86.40', '89.100', '109.255'], ipv6: '2a02:8084' },
  { code: 'PT', weight: 1, zones: WET, ipv4: ['85.243', '89.152', '94.60'], ipv6: '2001:8a0' },
  { code: 'DK', weight: 0.8, zones: CET, ipv4: ['87.49', '93.161', '188.176'], ipv6: '2a05:f6c7' },
  { code: 'FI', weight: 0.7, zones: EET, ipv4: ['84.248', '91.152', '176.93'], ipv6: '2001:14ba' },
  { code: 'CZ', weight: 0.8, zones: CET, ipv4: ['89.24', '90.176', '94.112'], ipv6: '2a00:1028' },
  { code: 'GR', weight: 0.6, zones: EET, ipv4: ['79.103', '94.66', '176.58'], ipv6: '2a02:587' },
  { code: 'RO', weight: 0.8, zones: EET, ipv4: ['79.112', '86.120', '188.24'], ipv6: '2a02:2f0e' },
  { code: 'HU', weight: 0.5, zones: CET, ipv4: ['84.0', '188.6', '91.82'], ipv6: '2a02:ab88' },
  { code: 'NO', weight: 0.7, zones: CET, ipv4: ['84.208', '88.88', '193.212'], ipv6: '2a02:fe1' },
  {
    code: 'GB',
    weight: 9,
    zones: WET,
    ipv4: ['81.96', '86.128', '90.200', '109.150', '2.96'],
    ipv6: '2a00:23c7',
  },
  {
    code: 'US',
    weight: 22,
    zones: [
      [-300, 0.47],
      [-360, 0.29],
      [-420, 0.07],
      [-480, 0.17],
    ],
    ipv4: ['73.158', '98.210', '24.4', '67.180', '108.28', '172.58', '71.198'],
    ipv6: '2601:281',
  },
  {
    code: 'BR',
    weight: 8,
    zones: [
      [-180, 0.93],
      [-240, 0.07],
    ],
    ipv4: ['177.32', '179.96', '187.10', '189.6', '200.150'],
    ipv6: '2804:14c',
  },
  {
    code: 'CA',
    weight: 5,
    zones: [
      [-300, 0.6],
      [-360, 0.1],
      [-420, 0.1],
      [-480, 0.15],
      [-210, 0.05],
    ],
    ipv4: ['99.224', '70.49', '142.114', '24.114', '174.88'],
    ipv6: '2607:fea8',
  },
  { code: 'MX', weight: 2.5, zones: [[-360, 1]], ipv4: ['187.188', '189.203', '201.141'], ipv6: '2806:2f0' },
  {
    code: 'AU',
    weight: 1.5,
    zones: [
      [600, 0.6],
      [570, 0.1],
      [480, 0.3],
    ],
    ipv4: ['1.120', '101.160', '120.144'],
    ipv6: '2001:8003',
  },
  { code: 'JP', weight: 1.2, zones: [[540, 1]], ipv4: ['126.0', '153.156', '219.100'], ipv6: '240b:10' },
  { code: 'IN', weight: 2, zones: [[330, 1]], ipv4: ['49.36', '117.192', '103.21'], ipv6: '2401:4900' },
  { code: 'ZA', weight: 0.6, zones: EET, ipv4: ['41.13', '105.224', '197.245'], ipv6: '2c0f:f4c0' },
  { code: 'KR', weight: 0.6, zones: [[540, 1]], ipv4: ['121.130', '175.192', '211.36'], ipv6: '2001:2d8' },
  { code: 'AR', weight: 0.8, zones: [[-180, 1]], ipv4: ['181.46', '186.22', '190.190'], ipv6: '2800:810' },
  { code: 'CH', weight: 0.6, zones: CET, ipv4: ['83.76', '85.1', '178.197'], ipv6: '2a02:1210' },
  { code: 'TR', weight: 0.8, zones: [[180, 1]], ipv4: ['88.230', '95.7', '176.88'], ipv6: '2a02:ff0' },
];

export const COUNTRY_BY_CODE: ReadonlyMap<string, CountryProfile> = new Map(
  COUNTRIES.map((c) => [c.code, c]),
);

/** Where credential-stuffing botnets and account sharers log in from (not in the viewer base's top markets). */
export const ATTACKER_NETWORKS: ReadonlyArray<{ country: string; ipv4: readonly string[] }> = [
  { country: 'RU', ipv4: ['95.24', '178.70', '5.18'] },
  { country: 'VN', ipv4: ['113.160', '14.161'] },
  { country: 'NG', ipv4: ['105.112', '197.210'] },
  { country: 'ID', ipv4: ['36.72', '114.124'] },
  { country: 'CN', ipv4: ['36.110', '117.136'] },
  { country: 'UA', ipv4: ['46.211', '93.72'] },
  { country: 'PH', ipv4: ['112.198', '49.145'] },
];

/** EU-27 plus Iceland, Liechtenstein and Norway: the compliance rules' own EEA list. */
export const EEA: ReadonlySet<string> = new Set(EEA_2025_01.members.map((m) => m.code));

export function isEea(country: string): boolean {
  return EEA.has(country);
}

/**
 * Countries with an EU adequacy decision (status end 2025, plus Brazil from 27 Jan 2026); the US only for
 * DPF-certified recipients, Canada only under PIPEDA. The generator never relies on adequacy alone: its
 * clean transfers also carry SCCs.
 */
export const EU_ADEQUATE: ReadonlySet<string> = new Set(ADEQ_2026_01.members.map((m) => m.code));

/** GDPR Art. 8 national ages of digital consent, UK GDPR 13: the compliance rules' own table. */
const AGE_OF_DIGITAL_CONSENT: Readonly<Record<string, number>> = AGE_OF_CONSENT_2025_12.ages;

/**
 * Below this age a holder of parental responsibility must consent: the GDPR Art. 8 national age in the
 * EEA (16 by default) and the UK, 13 in the US (COPPA), 12 in Brazil (LGPD Art. 14), and 13 elsewhere by
 * platform policy.
 */
export function parentalConsentAge(country: string): number {
  if (isEea(country)) return AGE_OF_DIGITAL_CONSENT[country] ?? AGE_OF_CONSENT_2025_12.defaultAge;
  if (country === 'GB') return 13;
  if (country === 'BR') return 12;
  return 13;
}

const YEAR_MS = 365.25 * 24 * 3600_000;

/**
 * The youngest age a viewer with this birth year can have at `atMs` — what the compliance rules assume
 * when all they know is the birth year.
 */
export function youngestAge(birthYear: number, atMs: number): number {
  return Math.max(0, new Date(atMs).getUTCFullYear() - birthYear - 1);
}

export function yearsToMs(years: number): number {
  return years * YEAR_MS;
}

// ---------------------------------------------------------------------------------------------------------
// Devices

export type DeviceKind = 'smart_tv' | 'mobile' | 'tablet' | 'web' | 'console';

export interface DeviceModel {
  kind: DeviceKind;
  userAgent: string;
  weight: number;
  /** A browser that can send Sec-GPC: 1 (Firefox, Brave, DuckDuckGo, Chrome with an extension). */
  gpcCapable?: boolean;
}

/** Share of viewers' primary devices by kind: the living-room screen dominates OTT viewing. */
export const DEVICE_KIND_WEIGHTS: Readonly<Record<DeviceKind, number>> = {
  smart_tv: 38,
  mobile: 27,
  web: 18,
  tablet: 8,
  console: 9,
};

export const DEVICE_MODELS: readonly DeviceModel[] = [
  {
    kind: 'smart_tv',
    weight: 30,
    userAgent:
      'Mozilla/5.0 (SMART-TV; LINUX; Tizen 7.0) AppleWebKit/537.36 (KHTML, like Gecko) 94.0.4606.31/7.0 TV Safari/537.36',
  },
  {
    kind: 'smart_tv',
    weight: 20,
    userAgent:
      'Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/87.0.4280.88 Safari/537.36 WebAppManager',
  },
  { kind: 'smart_tv', weight: 18, userAgent: 'Roku/DVP-13.0 (13.0.0.4132-AE)' },
  {
    kind: 'smart_tv',
    weight: 14,
    userAgent:
      'Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7633.3445N; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Safari/537.36',
  },
  {
    kind: 'smart_tv',
    weight: 10,
    userAgent:
      'Mozilla/5.0 (Linux; Android 11; BRAVIA 4K VH2 Build/RTM6.230109.130; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/112.0.5615.136 Safari/537.36',
  },
  {
    kind: 'smart_tv',
    weight: 8,
    userAgent: 'AppleCoreMedia/1.0.0.21K79 (Apple TV; U; CPU OS 17_2 like Mac OS X; en_us)',
  },
  {
    kind: 'mobile',
    weight: 45,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  },
  {
    kind: 'mobile',
    weight: 30,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.6613.127 Mobile Safari/537.36',
  },
  {
    kind: 'mobile',
    weight: 25,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  },
  {
    kind: 'tablet',
    weight: 65,
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  },
  {
    kind: 'tablet',
    weight: 35,
    userAgent:
      'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.6533.103 Safari/537.36',
  },
  {
    kind: 'web',
    weight: 45,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  },
  {
    kind: 'web',
    weight: 15,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68',
  },
  {
    kind: 'web',
    weight: 12,
    gpcCapable: true,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  },
  {
    kind: 'web',
    weight: 20,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  },
  {
    kind: 'web',
    weight: 8,
    gpcCapable: true,
    userAgent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  },
  {
    kind: 'console',
    weight: 45,
    userAgent: 'Mozilla/5.0 (PlayStation; PlayStation 5/8.40) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  },
  {
    kind: 'console',
    weight: 35,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox Series X) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edge/20.02',
  },
  {
    kind: 'console',
    weight: 12,
    userAgent: 'Mozilla/5.0 (PlayStation 4 11.00) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  },
  {
    kind: 'console',
    weight: 8,
    userAgent:
      'Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393',
  },
];

/** What credential-stuffing tools and account-takeover sessions identify as. */
export const ATTACK_USER_AGENTS: readonly string[] = [
  'python-requests/2.32.3',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
];

export const STAFF_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Offices of the support and privacy teams: country and office network. */
export const STAFF_OFFICES: ReadonlyArray<{ country: string; network: string }> = [
  { country: 'IE', network: '185.40.12' },
  { country: 'PT', network: '194.65.37' },
  { country: 'US', network: '64.124.9' },
  { country: 'BR', network: '177.71.210' },
];

// ---------------------------------------------------------------------------------------------------------
// Catalogue and advertising

export type Audience = 'kids' | 'family' | 'teen' | 'adult';

export interface Title {
  contentId: string;
  title: string;
  rating: string;
  genre: string;
  audience: Audience;
  /** Typical running time in seconds. */
  runtime: number;
}

export const CATALOGUE: readonly Title[] = [
  {
    contentId: 't-1001',
    title: 'The Long Night',
    rating: 'TV-14',
    genre: 'Drama',
    audience: 'teen',
    runtime: 3120,
  },
  {
    contentId: 't-1002',
    title: 'Harbour Lights',
    rating: 'TV-PG',
    genre: 'Drama',
    audience: 'family',
    runtime: 2700,
  },
  {
    contentId: 't-1003',
    title: 'Quantum Drift',
    rating: 'TV-14',
    genre: 'Sci-Fi',
    audience: 'teen',
    runtime: 3300,
  },
  {
    contentId: 't-1004',
    title: 'Kitchen Kings',
    rating: 'TV-G',
    genre: 'Reality',
    audience: 'family',
    runtime: 2580,
  },
  {
    contentId: 't-1005',
    title: 'Little Explorers',
    rating: 'TV-Y',
    genre: 'Kids',
    audience: 'kids',
    runtime: 660,
  },
  {
    contentId: 't-1006',
    title: 'Dino Pals',
    rating: 'TV-Y',
    genre: 'Animation',
    audience: 'kids',
    runtime: 720,
  },
  {
    contentId: 't-1007',
    title: 'Midnight Verdict',
    rating: 'TV-MA',
    genre: 'Crime',
    audience: 'adult',
    runtime: 3480,
  },
  {
    contentId: 't-1008',
    title: 'Northern Frontier',
    rating: 'TV-14',
    genre: 'Western',
    audience: 'teen',
    runtime: 3000,
  },
  {
    contentId: 't-1009',
    title: 'Deep Blue Planet',
    rating: 'TV-G',
    genre: 'Nature',
    audience: 'family',
    runtime: 2940,
  },
  {
    contentId: 't-1010',
    title: 'Code of Silence',
    rating: 'TV-MA',
    genre: 'Thriller',
    audience: 'adult',
    runtime: 3600,
  },
  {
    contentId: 't-1011',
    title: 'Robo Rangers',
    rating: 'TV-Y7',
    genre: 'Animation',
    audience: 'kids',
    runtime: 1320,
  },
  {
    contentId: 't-1012',
    title: 'Saturday Kickoff',
    rating: 'TV-G',
    genre: 'Sports',
    audience: 'family',
    runtime: 6300,
  },
  {
    contentId: 't-1013',
    title: 'The Last Orchard',
    rating: 'PG-13',
    genre: 'Romance',
    audience: 'teen',
    runtime: 6480,
  },
  {
    contentId: 't-1014',
    title: 'Hollow Creek',
    rating: 'R',
    genre: 'Horror',
    audience: 'adult',
    runtime: 5820,
  },
  {
    contentId: 't-1015',
    title: 'Stand-Up Nights',
    rating: 'TV-MA',
    genre: 'Comedy',
    audience: 'adult',
    runtime: 3900,
  },
  {
    contentId: 't-1016',
    title: 'Ocean Academy',
    rating: 'TV-Y7',
    genre: 'Kids',
    audience: 'kids',
    runtime: 1380,
  },
  {
    contentId: 't-1017',
    title: 'Empire of Salt',
    rating: 'TV-14',
    genre: 'History',
    audience: 'teen',
    runtime: 3060,
  },
  {
    contentId: 't-1018',
    title: 'Glass Towers',
    rating: 'TV-MA',
    genre: 'Drama',
    audience: 'adult',
    runtime: 3240,
  },
  {
    contentId: 't-1019',
    title: 'Pixel Quest',
    rating: 'TV-PG',
    genre: 'Animation',
    audience: 'family',
    runtime: 1440,
  },
  {
    contentId: 't-1020',
    title: 'Run the Numbers',
    rating: 'TV-14',
    genre: 'Documentary',
    audience: 'teen',
    runtime: 2760,
  },
  {
    contentId: 't-1021',
    title: 'Silent Signal',
    rating: 'PG-13',
    genre: 'Sci-Fi',
    audience: 'teen',
    runtime: 7020,
  },
  {
    contentId: 't-1022',
    title: 'Grandma’s Garden',
    rating: 'TV-G',
    genre: 'Lifestyle',
    audience: 'family',
    runtime: 1560,
  },
  {
    contentId: 't-1023',
    title: 'Night Shift ER',
    rating: 'TV-14',
    genre: 'Medical Drama',
    audience: 'teen',
    runtime: 2640,
  },
  {
    contentId: 't-1024',
    title: 'The Heist Club',
    rating: 'TV-MA',
    genre: 'Crime',
    audience: 'adult',
    runtime: 3420,
  },
  {
    contentId: 't-1025',
    title: 'Sing Along Farm',
    rating: 'TV-Y',
    genre: 'Kids',
    audience: 'kids',
    runtime: 540,
  },
  {
    contentId: 't-1026',
    title: 'Mountain Rescue',
    rating: 'TV-PG',
    genre: 'Reality',
    audience: 'family',
    runtime: 2520,
  },
  {
    contentId: 't-1027',
    title: 'Red Line Rally',
    rating: 'TV-PG',
    genre: 'Sports',
    audience: 'family',
    runtime: 5400,
  },
  {
    contentId: 't-1028',
    title: 'Paper Moons',
    rating: 'R',
    genre: 'Drama',
    audience: 'adult',
    runtime: 6900,
  },
];

/** Audience segments of the ad system that reveal nothing sensitive (GDPR Art. 9 / CCPA SPI). */
export const AD_SEGMENTS: readonly string[] = [
  'sci-fi fans',
  'sports enthusiasts',
  'drama lovers',
  'foodies',
  'travel intenders',
  'gaming',
  'true crime',
  'family viewers',
  'binge watchers',
  'late-night viewers',
  'comedy fans',
  'documentary buffs',
];

// ---------------------------------------------------------------------------------------------------------
// Who else touches viewers' data

/** Services reading personal data, each for the purpose it declared in the record of processing. */
export const SERVICES = {
  recsys: {
    purpose: 'personalisation',
    categories: ['viewing_history', 'ratings'],
    consent: 'personalisation',
  },
  analytics: { purpose: 'analytics', categories: ['viewing_history', 'device_id'], consent: 'analytics' },
  billing: { purpose: 'billing', categories: ['payment_summary', 'account'] },
  playback: { purpose: 'service_delivery', categories: ['device_id', 'entitlements'] },
  'fraud-detection': {
    purpose: 'fraud_prevention',
    categories: ['ip_address', 'device_id', 'login_history'],
  },
  'dsr-processor': { purpose: 'dsr_fulfilment', categories: ['account', 'viewing_history', 'contact'] },
} as const satisfies Record<
  string,
  { purpose: string; categories: readonly string[]; consent?: ConsentPurpose }
>;

export type ServiceId = keyof typeof SERVICES;

/** Purposes support staff may read personal data for (always under a ticket). */
export const STAFF_PURPOSES: readonly StaffAccessPurpose[] = ['support', 'billing', 'fraud_investigation'];

export interface Recipient {
  recipient: string;
  /** Never the viewer themself: self-exports are their own scenario. */
  recipientType: Exclude<RecipientType, 'data_subject'>;
  country: string;
  dpfCertified?: boolean;
  categories: readonly string[];
  purpose: string;
  /** The consent the purpose relies on, when it does. */
  consent?: ConsentPurpose;
  includesViewingHistory?: boolean;
  saleOrShare?: boolean;
  /** Only for viewers known to be adults. */
  adultsOnly?: boolean;
  /** Only for US viewers (sale/share, VPPA disclosures). */
  usOnly?: boolean;
}

/** Processors and partners viewers' data goes to in normal operation. */
export const RECIPIENTS: readonly Recipient[] = [
  {
    recipient: 'akamai-cdn',
    recipientType: 'processor',
    country: 'US',
    dpfCertified: true,
    categories: ['ip_address', 'device_id'],
    purpose: 'service_delivery',
  },
  {
    recipient: 'eu-object-storage',
    recipientType: 'processor',
    country: 'IE',
    categories: ['account', 'viewing_history'],
    purpose: 'hosting',
  },
  {
    recipient: 'zendesk',
    recipientType: 'processor',
    country: 'US',
    dpfCertified: true,
    categories: ['contact', 'account'],
    purpose: 'support',
  },
  {
    recipient: 'stripe',
    recipientType: 'processor',
    country: 'US',
    dpfCertified: true,
    categories: ['payment_summary', 'contact'],
    purpose: 'billing',
  },
  {
    recipient: 'mux-data',
    recipientType: 'processor',
    country: 'US',
    dpfCertified: true,
    categories: ['device_id', 'playback_quality'],
    purpose: 'analytics',
    consent: 'analytics',
  },
  {
    recipient: 'adnet-partner',
    recipientType: 'third_party',
    country: 'US',
    dpfCertified: true,
    categories: ['device_id', 'ad_interactions'],
    purpose: 'third_party_sharing',
    consent: 'third_party_sharing',
    adultsOnly: true,
  },
  {
    recipient: 'audience-exchange',
    recipientType: 'third_party',
    country: 'US',
    categories: ['device_id', 'inferred_interests'],
    purpose: 'sale_share',
    consent: 'sale_share',
    saleOrShare: true,
    adultsOnly: true,
    usOnly: true,
  },
  {
    recipient: 'recs-syndication',
    recipientType: 'third_party',
    country: 'US',
    categories: ['viewing_history'],
    purpose: 'viewing_history_disclosure',
    consent: 'viewing_history_disclosure',
    includesViewingHistory: true,
    adultsOnly: true,
    usOnly: true,
  },
];

/** Offshore recipients without adequacy (transfer_without_adequacy). */
export const OFFSHORE_RECIPIENTS: ReadonlyArray<{ recipient: string; country: string; purpose: string }> = [
  { recipient: 'offshore-support-bpo', country: 'IN', purpose: 'support' },
  { recipient: 'cn-data-labeling', country: 'CN', purpose: 'service_improvement' },
  { recipient: 'ph-contact-center', country: 'PH', purpose: 'support' },
  { recipient: 'vn-qa-vendor', country: 'VN', purpose: 'quality_assurance' },
];

/** Version label of the privacy notice shown in the consent banner. */
export const NOTICE_VERSION = '2026-09';

/** Consent purposes a viewer profile may accept, with the share of adults who do. */
export const CONSENT_ACCEPTANCE: ReadonlyArray<readonly [ConsentPurpose, number]> = [
  ['analytics', 0.72],
  ['personalisation', 0.82],
  ['ads_targeting', 0.46],
  ['marketing', 0.3],
  ['third_party_sharing', 0.18],
  ['sale_share', 0.25],
  ['viewing_history_disclosure', 0.15],
  ['cross_border_transfer', 0.05],
];

// ---------------------------------------------------------------------------------------------------------
// Daily rhythm

/**
 * Relative activity by local hour, 0-23: a quiet night, a small morning and lunchtime bump, and the
 * evening prime time (19-23) carrying most of the viewing.
 */
export const ACTIVITY_BY_LOCAL_HOUR: readonly number[] = [
  0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.2, 0.35, 0.45, 0.45, 0.45, 0.5, 0.6, 0.6, 0.55, 0.55, 0.65, 0.8, 1.0,
  1.35, 1.6, 1.65, 1.35, 0.8,
];

export function localHour(atMs: number, offsetMinutes: number): number {
  return new Date(atMs + offsetMinutes * 60_000).getUTCHours();
}

/** RFC 3339 with the given UTC offset, millisecond precision: "2026-03-01T21:15:00.250+01:00" (or Z). */
export function formatTimestamp(atMs: number, offsetMinutes = 0): string {
  if (offsetMinutes === 0) return new Date(atMs).toISOString();
  const local = new Date(atMs + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
