/**
 * The objects a rule expression sees. They are built once per event (or per scheduled subject) from the
 * event and the stored state, with every field defined (missing text is "", missing time is 0, unknown
 * age is -1), so expressions never trip over an absent key. Each class is registered as a CEL type in
 * rule-language.ts; only the fields and methods registered there are reachable from an expression.
 */
import { str, strList, timeOf, type ComplianceEvent } from './compliance-event';
import { computeDueDetail, type DsrCalendar } from './dsr-calendar';
import { addBusinessDays, countryOf, type ReferenceData } from './reference-data';
import type { ActorState, BreachRecord, ConsentRecord, DsrRecord, ViewerState } from './viewer-state';
import { countDistinct, countEvents, MINUTE_MS, sumAmount } from './windowed-activity';

export class EventView {
  readonly id: string;
  readonly type: string;
  readonly at: number;
  readonly userId: string;
  readonly actorType: string;
  readonly actorId: string;
  readonly country: string;
  /** ISO 3166-2 subdivision of the request ("US-CA"), or "". */
  readonly subdivision: string;
  readonly ipPrefix: string;
  readonly deviceId: string;
  readonly sessionId: string;
  readonly gpc: boolean;

  constructor(private readonly source: ComplianceEvent) {
    const e = source;
    this.id = e.eventId;
    this.type = e.type;
    this.at = e.occurredAt.getTime();
    this.userId = e.userId;
    this.actorType = e.actorType;
    this.actorId = e.actorId;
    this.country = e.country ?? '';
    this.subdivision = e.subdivision ?? '';
    this.ipPrefix = e.ipPrefix ?? '';
    this.deviceId = e.deviceId ?? '';
    this.sessionId = e.sessionId ?? '';
    this.gpc = e.gpc;
  }

  /** The event in words, for explanations ("service recsys accessed their viewing_history for personalisation"). */
  get summary(): string {
    return summarise(this.source);
  }
}

function actorPhrase(e: ComplianceEvent): string {
  return e.actorType === 'viewer' ? 'the viewer' : `${e.actorType} ${e.actorId}`;
}

export function summarise(e: ComplianceEvent): string {
  const d = e.data;
  const categories = strList(d.categories).join(', ') || 'data';
  switch (e.type) {
    case 'tracking.fired':
      return `tracker "${str(d.vendor)}" fired for ${str(d.purpose) || 'an unstated purpose'}`;
    case 'ad.served': {
      const segments = strList(d.segments);
      return `a ${str(d.targeting) || 'targeted'} ad was served${segments.length ? ` (segments: ${segments.join(', ')})` : ''}`;
    }
    case 'data.accessed':
      return `${actorPhrase(e)} accessed their ${categories} for ${str(d.purpose) || 'an unstated purpose'}`;
    case 'data.shared':
    case 'data.exported':
      return (
        `${actorPhrase(e)} ${e.type === 'data.shared' ? 'shared' : 'exported'} their ${categories} to ` +
        `${str(d.recipient) || 'a recipient'} (${str(d.recipientType) || 'recipient'}, ${str(d.recipientCountry) || 'country unknown'})`
      );
    case 'playback.started':
      return `playback of ${str(d.contentId)} started${d.personalised === true ? ' with personalisation' : ''}`;
    case 'consent.granted':
    case 'consent.withdrawn':
      return `${actorPhrase(e)} ${e.type === 'consent.granted' ? 'granted' : 'withdrew'} consent for ${str(d.purpose)}`;
    default:
      return `${e.type} by ${actorPhrase(e)}`;
  }
}

/**
 * The payload, as one shape for all event types, read on demand (a rule reads a few fields). `purpose` is
 * the payload's purpose or, when the payload has none, the processing purpose the event implies (profiled
 * ads → ads_targeting, a sale → sale_share, a disclosure of viewing history → viewing_history_disclosure,
 * personalised playback → personalisation).
 */
export class EventDataView {
  private readonly d: Record<string, unknown>;
  private purposeCache: string | null = null;

  constructor(private readonly e: ComplianceEvent) {
    this.d = e.data;
  }

  get purpose(): string {
    this.purposeCache ??= str(this.d.purpose) || impliedPurpose(this.e.type, this);
    return this.purposeCache;
  }

  /** Transfers default to "none" when the payload names no safeguard. */
  get safeguard(): string {
    const t = this.e.type;
    return str(this.d.safeguard) || (t === 'data.shared' || t === 'data.exported' ? 'none' : '');
  }

  get params(): Record<string, unknown> {
    const p = this.d.params;
    return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  }

  get paramKeys(): string[] {
    return Object.keys(this.params);
  }

  get basis(): string {
    return str(this.d.basis);
  }

  get noticeVersion(): string {
    return str(this.d.noticeVersion);
  }

  get separateForm(): boolean {
    return this.d.separateForm === true;
  }

  get explicit(): boolean {
    return this.d.explicit === true;
  }

  get expiresAt(): number {
    return timeOf(this.d.expiresAt) ?? 0;
  }

  get vendor(): string {
    return str(this.d.vendor);
  }

  get deviceAccess(): boolean {
    return this.d.deviceAccess === true;
  }

  get strictlyNecessary(): boolean {
    return this.d.strictlyNecessary === true;
  }

  get persistentId(): boolean {
    return this.d.persistentId === true;
  }

  get targeting(): string {
    return str(this.d.targeting);
  }

  get segments(): string[] {
    return strList(this.d.segments);
  }

  get categories(): string[] {
    return strList(this.d.categories);
  }

  get ticketId(): string {
    return str(this.d.ticketId);
  }

  get recordCount(): number {
    return typeof this.d.recordCount === 'number' ? this.d.recordCount : 0;
  }

  get recipient(): string {
    return str(this.d.recipient);
  }

  get recipientType(): string {
    return str(this.d.recipientType);
  }

  get recipientCountry(): string {
    return str(this.d.recipientCountry).toUpperCase();
  }

  get dpfCertified(): boolean {
    return this.d.dpfCertified === true;
  }

  get includesViewingHistory(): boolean {
    return this.d.includesViewingHistory === true;
  }

  get saleOrShare(): boolean {
    return this.d.saleOrShare === true;
  }

  get requestId(): string {
    return str(this.d.requestId);
  }

  get type(): string {
    return str(this.d.type);
  }

  get jurisdiction(): string {
    return str(this.d.jurisdiction).toUpperCase();
  }

  get format(): string {
    return str(this.d.format);
  }

  get notifiedAt(): number {
    return timeOf(this.d.notifiedAt) ?? 0;
  }

  get reason(): string {
    return str(this.d.reason);
  }

  get contentId(): string {
    return str(this.d.contentId);
  }

  get title(): string {
    return str(this.d.title);
  }

  get rating(): string {
    return str(this.d.rating);
  }

  get genre(): string {
    return str(this.d.genre);
  }

  get personalised(): boolean {
    return this.d.personalised === true;
  }

  get birthYear(): number {
    return typeof this.d.birthYear === 'number' ? this.d.birthYear : 0;
  }

  get country(): string {
    return str(this.d.country).toUpperCase();
  }

  get age(): number {
    return typeof this.d.age === 'number' ? this.d.age : -1;
  }

  get ageBand(): string {
    return str(this.d.ageBand);
  }

  get method(): string {
    return str(this.d.method);
  }

  get verified(): boolean {
    return this.d.verified === true;
  }

  get scopes(): string[] {
    return strList(this.d.scopes);
  }

  get breachId(): string {
    return str(this.d.breachId);
  }

  get personalData(): boolean {
    return this.d.personalData === true;
  }

  get awareAt(): number {
    return timeOf(this.d.awareAt) ?? 0;
  }
}

function impliedPurpose(type: string, d: EventDataView): string {
  switch (type) {
    case 'ad.served':
      return d.targeting === 'contextual' || d.targeting === '' ? '' : 'ads_targeting';
    case 'data.shared':
    case 'data.exported':
      if (d.saleOrShare) return 'sale_share';
      if (d.includesViewingHistory) return 'viewing_history_disclosure';
      return d.recipientType === 'third_party' ? 'third_party_sharing' : '';
    case 'playback.started':
      return d.personalised ? 'personalisation' : '';
    default:
      return '';
  }
}

/** One consent-ledger entry as of a time: state is granted | withdrawn | expired | none. */
export class ConsentView {
  constructor(
    readonly purpose: string,
    readonly state: string,
    readonly at: number,
    readonly basis: string,
    readonly noticeVersion: string,
    readonly separateForm: boolean,
    readonly explicit: boolean,
    readonly expiresAt: number,
    readonly grantedAt: number,
    readonly grantedBy: string,
    readonly eventId: string,
  ) {}

  static of(purpose: string, r: ConsentRecord | undefined, asOf: number): ConsentView {
    if (!r || r.at > asOf) return new ConsentView(purpose, 'none', 0, '', '', false, false, 0, 0, '', '');
    const expired = r.state === 'granted' && r.expiresAt !== null && r.expiresAt <= asOf;
    return new ConsentView(
      purpose,
      expired ? 'expired' : r.state,
      r.at,
      r.basis,
      r.noticeVersion ?? '',
      r.separateForm,
      r.explicit,
      r.expiresAt ?? 0,
      r.grantedAt ?? 0,
      r.grantedBy ?? '',
      r.eventId,
    );
  }
}

/** Lower bound of an age band such as "13-15", "16+", "under_13" (→ 0). */
function ageBandFloor(band: string): number {
  if (/^(under|<)/i.test(band)) return 0;
  const m = /(\d+)/.exec(band);
  return m ? Number(m[1]) : -1;
}

const YEAR_MS = 365.25 * 86_400_000;

/**
 * The viewer as of the evaluation time. Fields are computed on first read: a rule reads a handful of
 * them, and a view is built for every event.
 */
export class ViewerView {
  private ageCache: { age: number; source: string } | null = null;
  private regionCache: string | null = null;
  private countryCache: string | null = null;
  private subdivisionCache: string | null = null;

  constructor(
    private readonly state: ViewerState,
    private readonly asOf: number,
    private readonly eventCountry: string | null,
    private readonly deviceId: string | null,
    private readonly eventSubdivision: string | null = null,
  ) {}

  get userId(): string {
    return this.state.userId;
  }

  /** The store has seen this viewer before (any earlier event). */
  get known(): boolean {
    return this.state.asOf !== null;
  }

  /** Account country, keeping a subdivision when one was given (US-CA); else the event's country. */
  get region(): string {
    this.regionCache ??= (this.state.profile.country ?? this.eventCountry ?? '').toUpperCase();
    return this.regionCache;
  }

  /** ISO alpha-2 of the account (account.created), else of the event. */
  get country(): string {
    this.countryCache ??= this.region ? countryOf(this.region) : '';
    return this.countryCache;
  }

  /**
   * ISO 3166-2 code of where the viewer is ("US-CA"), or "" when unknown: the current event's subdivision,
   * else the latest one the viewer's events carried, else the account's (account.created country "US-CA").
   * One that lies outside the viewer's country (a German account seen once from California) is ignored:
   * the account country says where they live.
   */
  get subdivision(): string {
    if (this.subdivisionCache !== null) return this.subdivisionCache;
    const region = this.region;
    const country = countryOf(region);
    const fromAccount = region.includes('-') ? region : '';
    const candidates = [this.eventSubdivision, this.state.profile.subdivision, fromAccount];
    this.subdivisionCache =
      candidates.find((c): c is string => !!c && (country === '' || countryOf(c) === country)) ?? '';
    return this.subdivisionCache;
  }

  private ageInfo(): { age: number; source: string } {
    if (this.ageCache) return this.ageCache;
    const p = this.state.profile;
    let age = -1;
    let source = '';
    if (p.verifiedAge !== null && p.ageVerifiedAt !== null) {
      age = Math.floor(p.verifiedAge + Math.max(0, this.asOf - p.ageVerifiedAt) / YEAR_MS);
      source = 'verified';
    } else if (p.ageBand !== null && ageBandFloor(p.ageBand) >= 0) {
      age = ageBandFloor(p.ageBand);
      source = 'age_band';
    } else if (p.birthYear !== null) {
      age = Math.max(0, new Date(this.asOf).getUTCFullYear() - p.birthYear - 1);
      source = 'birth_year';
    }
    this.ageCache = { age, source };
    return this.ageCache;
  }

  /** Youngest age the viewer can be at this time (a birth year alone leaves a year open); -1 unknown. */
  get age(): number {
    return this.ageInfo().age;
  }

  get ageKnown(): boolean {
    return this.ageInfo().age >= 0;
  }

  /** verified | age_band | birth_year | "" */
  get ageSource(): string {
    return this.ageInfo().source;
  }

  get ageVerified(): boolean {
    return this.state.profile.ageVerifiedAt !== null;
  }

  get parentalVerified(): boolean {
    return this.state.profile.parental?.verified === true;
  }

  get parentalScopes(): string[] {
    const p = this.state.profile.parental;
    return p?.verified ? p.scopes : [];
  }

  get parentalAt(): number {
    return this.state.profile.parental?.at ?? 0;
  }

  get createdAt(): number {
    return this.state.profile.createdAt ?? 0;
  }

  get closedAt(): number {
    return this.state.profile.closedAt ?? 0;
  }

  get lastActivityAt(): number {
    return this.state.profile.lastActivityAt ?? 0;
  }

  get erasedAt(): number {
    return this.state.signals.erasure?.at ?? 0;
  }

  get optOutSaleAt(): number {
    return this.state.signals.optOutSale?.at ?? 0;
  }

  /** Earliest GPC signal for the account or for this event's device; 0 none. */
  get gpcAt(): number {
    const s = this.state.signals;
    const device = this.deviceId ? s.gpcDevices[this.deviceId] : undefined;
    const at = Math.min(s.gpc?.at ?? Infinity, device?.at ?? Infinity);
    return at === Infinity ? 0 : at;
  }

  get limitSpiAt(): number {
    return this.state.signals.limitSpi?.at ?? 0;
  }

  get marketingObjectionAt(): number {
    return this.state.signals.marketingObjection?.at ?? 0;
  }

  get lastLoginAt(): number {
    return this.state.lastLogin?.at ?? 0;
  }

  get lastLoginCountry(): string {
    return this.state.lastLogin?.country ?? '';
  }

  get lastLoginNewCountry(): boolean {
    return this.state.lastLogin?.newCountry ?? false;
  }

  get lastLoginFailures(): number {
    return this.state.lastLogin?.failuresBefore ?? 0;
  }

  get lastLoginFailureIps(): number {
    return this.state.lastLogin?.failureIpsBefore ?? 0;
  }

  /** Recipients this viewer's data went to before. */
  get recipients(): string[] {
    return Object.keys(this.state.recipients);
  }

  consent(purpose: string): ConsentView {
    return ConsentView.of(purpose, this.state.consents[purpose], this.asOf);
  }

  /** The event behind a field, for a finding's evidence. */
  evidenceFor(field: string): string | null {
    const s = this.state.signals;
    const p = this.state.profile;
    if (field.startsWith('parental')) return p.parental?.eventId ?? null;
    if (field.startsWith('lastLogin')) return this.state.lastLogin?.eventId ?? null;
    switch (field) {
      case 'gpcAt': {
        const device = this.deviceId ? s.gpcDevices[this.deviceId] : undefined;
        return device && (!s.gpc || device.at <= s.gpc.at) ? device.eventId : (s.gpc?.eventId ?? null);
      }
      case 'erasedAt':
        return s.erasure?.eventId ?? null;
      case 'optOutSaleAt':
        return s.optOutSale?.eventId ?? null;
      case 'limitSpiAt':
        return s.limitSpi?.eventId ?? null;
      case 'marketingObjectionAt':
        return s.marketingObjection?.eventId ?? null;
      case 'closedAt':
        return p.closedEventId;
      default:
        return null;
    }
  }
}

export class ActorView {
  readonly id: string;
  readonly type: string;

  constructor(
    private readonly state: ActorState | null,
    private readonly asOf: number,
    id: string,
    type: string,
  ) {
    this.id = id;
    this.type = type;
  }

  distinctViewers(minutes: number): number {
    return this.state ? countDistinct(this.state.access, this.asOf, minutes * MINUTE_MS) : 0;
  }

  records(minutes: number): number {
    return this.state ? sumAmount(this.state.access, this.asOf, minutes * MINUTE_MS) : 0;
  }

  accesses(minutes: number): number {
    return this.state ? countEvents(this.state.access, this.asOf, minutes * MINUTE_MS) : 0;
  }
}

/** Reference lists as of the evaluation time; every list read is remembered for the finding. */
export class ReferenceView {
  constructor(
    readonly data: ReferenceData,
    private readonly at: number,
  ) {}

  inSet(name: string, code: string): boolean {
    return this.data.inSet(name, code, this.at);
  }

  anyInSet(name: string, codes: string[]): boolean {
    for (const c of codes) if (this.data.inSet(name, c, this.at)) return true;
    return false;
  }

  /** EU adequacy (set ADEQ) with its partial scopes (US: DPF-certified; CA: PIPEDA-covered recipients). */
  adequate(country: string, dpfCertified: boolean, pipedaCovered: boolean): boolean {
    return this.data.inScopedSet('ADEQ', country, this.at, { dpfCertified, pipedaCovered });
  }

  ageOfConsent(country: string): number {
    return this.data.ageOfConsent(country);
  }

  addBusinessDays(atMs: number, n: number): number {
    return addBusinessDays(atMs, n);
  }
}

export class RequestView {
  readonly id: string;
  readonly type: string;
  readonly jurisdiction: string;
  readonly format: string;
  readonly openedAt: number;
  readonly calendar: string;
  readonly due: number;
  readonly firstDue: number;
  readonly extended: boolean;
  readonly extensionTooLate: boolean;
  readonly extensionNotifiedAt: number;
  readonly pausedMs: number;
  readonly paused: boolean;
  readonly closed: boolean;
  readonly completedAt: number;
  readonly refusedAt: number;
  readonly eventId: string;

  constructor(
    readonly record: DsrRecord,
    calendar: DsrCalendar,
    now: number,
  ) {
    const detail = computeDueDetail(record, calendar, new Date(now));
    this.id = record.requestId;
    this.type = record.type;
    this.jurisdiction = record.jurisdiction;
    this.format = record.format ?? '';
    this.openedAt = record.openedAt;
    this.calendar = calendar;
    this.due = detail.due.getTime();
    this.firstDue = detail.firstDue.getTime();
    this.extended = detail.extended;
    this.extensionTooLate = detail.extensionTooLate;
    this.extensionNotifiedAt = record.extension?.notifiedAt ?? 0;
    this.pausedMs = detail.pausedMs;
    this.paused = record.pauses.some((p) => p.to === null);
    this.closed = record.completedAt !== null || record.refusedAt !== null;
    this.completedAt = record.completedAt ?? 0;
    this.refusedAt = record.refusedAt ?? 0;
    this.eventId = record.openedEventId;
  }
}

/** One category of a viewer's data measured against its retention anchor. */
export class RetentionItemView {
  constructor(
    readonly category: string,
    /** account_closed | last_activity */
    readonly anchor: string,
    readonly anchorAt: number,
    readonly lastCollectedAt: number,
    /** Still held: never deleted, or collected again after the last deletion. */
    readonly held: boolean,
    readonly legalHold: boolean,
    readonly eventId: string,
  ) {}
}

export class BreachView {
  readonly id: string;
  readonly personalData: boolean;
  readonly awareAt: number;
  readonly notifiedAt: number;
  readonly notified: boolean;
  readonly eventId: string;

  constructor(b: BreachRecord) {
    this.id = b.breachId;
    this.personalData = b.personalData;
    this.awareAt = b.awareAt;
    this.notifiedAt = b.authorityNotifiedAt ?? 0;
    this.notified = b.authorityNotifiedAt !== null;
    this.eventId = b.confirmedEventId;
  }
}

/** A recipient that received the viewer's data before an erasure, and whether it was told (GDPR Art. 19). */
export class RecipientNoticeView {
  constructor(
    readonly requestId: string,
    readonly recipient: string,
    readonly erasedAt: number,
    readonly sharedAt: number,
    readonly notified: boolean,
    readonly eventId: string,
  ) {}
}
