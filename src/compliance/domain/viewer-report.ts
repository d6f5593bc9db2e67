/**
 * The per-viewer report: what the platform holds about one viewer, why, who received it, what the viewer
 * asked for and when retention will delete it (GDPR Art. 15(1)(a)-(e), (h); CCPA/CPRA §1798.110 and
 * §1798.115 categories and recipients; VPPA §2710 disclosures). A pure function of rows already stored —
 * the viewer's events, the consent ledger, the data-subject requests, the legal-hold register, the
 * viewer's held categories and the retention dates the active rules give them — so it is tested without
 * a database and the same rows always give the same report.
 *
 * `asOf` cuts the report at one instant (the report handed over with a completed access request is cut at
 * the completion): rows recorded later are left out and a request answered later reads as still open.
 */
import { holdActiveAt, type LegalHold } from './legal-holds';
import type { RetentionDue } from './retention-schedule';
import type { DataHolding } from './viewer-state';

export const VIEWER_REPORT_VERSION = 1;

/** Categories an event type collects by itself (its payload names none); as the state reducer counts them. */
const CATEGORIES_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'account.created': ['account'],
  'account.age_verified': ['age_verification'],
  'playback.started': ['viewing_history'],
};

/** Event types whose payload names the categories it concerns (`data.categories`). */
const CATEGORY_PAYLOAD_TYPES = new Set(['data.accessed', 'data.shared', 'data.exported', 'data.deleted']);

/** How many of each event type the viewer has, with the first and last time (events too many to list). */
export interface EventTypeCount {
  type: string;
  events: number;
  firstAt: number;
  lastAt: number;
}

/** One stored event the report reads in full (disclosures, accesses, deletions, requests). */
export interface ReportEvent {
  eventId: string;
  type: string;
  occurredAt: number;
  actorType: string;
  actorId: string | null;
  data: Record<string, unknown>;
}

export interface ReportConsent {
  eventId: string;
  purpose: string;
  state: 'granted' | 'withdrawn';
  basis: string;
  noticeVersion: string | null;
  explicit: boolean;
  separateForm: boolean;
  expiresAt: number | null;
  occurredAt: number;
}

export interface ReportRequest {
  requestId: string;
  type: string;
  jurisdiction: string;
  calendar: string;
  status: string;
  openedAt: number;
  dueAt: number;
  extended: boolean;
  completedAt: number | null;
  refusedAt: number | null;
}

export interface ViewerReportRows {
  userId: string;
  generatedAt: number;
  /** null: everything stored */
  asOf: number | null;
  counts: readonly EventTypeCount[];
  /** data.shared, data.exported, data.accessed and data.deleted events, any order */
  events: readonly ReportEvent[];
  consents: readonly ReportConsent[];
  requests: readonly ReportRequest[];
  holds: readonly LegalHold[];
  /** The viewer's categories as the compliance state tracks them (retention anchors) */
  holdings: Readonly<Record<string, DataHolding>>;
  profile: { country: string | null; subdivision: string | null; closedAt: number | null };
  retention: readonly RetentionDue[];
}

export interface ViewerReport {
  reportVersion: number;
  userId: string;
  generatedAt: string;
  asOf: string | null;
  /** false: nothing is stored about this id (the report is empty, not an error) */
  known: boolean;
  profile: { country: string | null; subdivision: string | null; accountClosedAt: string | null };
  summary: {
    events: number;
    firstEventAt: string | null;
    lastEventAt: string | null;
    categories: number;
    recipients: number;
    disclosures: number;
    requests: number;
    activeLegalHolds: number;
  };
  dataCategories: Array<{
    category: string;
    sources: string[];
    firstSeenAt: string;
    lastSeenAt: string;
    status: 'held' | 'deleted';
    deletedAt: string | null;
  }>;
  activity: Array<{ type: string; events: number; firstAt: string; lastAt: string }>;
  purposes: Array<{
    purpose: string;
    state: 'granted' | 'withdrawn';
    basis: string;
    since: string;
    expiresAt: string | null;
    changes: number;
  }>;
  consentHistory: Array<{
    eventId: string;
    purpose: string;
    state: 'granted' | 'withdrawn';
    basis: string;
    noticeVersion: string | null;
    explicit: boolean;
    occurredAt: string;
  }>;
  recipients: Array<{
    recipient: string;
    recipientType: string;
    country: string | null;
    disclosures: number;
    firstAt: string;
    lastAt: string;
    categories: string[];
  }>;
  disclosures: Array<{
    eventId: string;
    kind: 'shared' | 'exported';
    recipient: string;
    recipientType: string;
    country: string | null;
    categories: string[];
    purpose: string | null;
    at: string;
    legalBasis: string;
    transferSafeguard: string | null;
    saleOrShare: boolean;
  }>;
  accesses: Array<{ actorType: string; purpose: string; events: number; lastAt: string }>;
  requests: Array<{
    requestId: string;
    type: string;
    jurisdiction: string;
    calendar: string;
    status: string;
    openedAt: string;
    dueAt: string;
    extended: boolean;
    answeredAt: string | null;
    outcome: 'completed' | 'refused' | 'pending';
    onTime: boolean | null;
    legalHold: string | null;
  }>;
  retention: Array<{
    category: string;
    anchor: string;
    anchorAt: string;
    deleteBy: string;
    rules: string[];
    legalHold: { holdId: string; reason: string; endsAt: string | null } | null;
    status: 'scheduled' | 'overdue' | 'suspended_by_legal_hold';
  }>;
  legalHolds: Array<{
    holdId: string;
    scope: string;
    reason: string;
    createdAt: string;
    endsAt: string | null;
    releasedAt: string | null;
    active: boolean;
  }>;
}

export function assembleViewerReport(rows: ViewerReportRows): ViewerReport {
  const cut = rows.asOf ?? Number.POSITIVE_INFINITY;
  const at = Math.min(cut, rows.generatedAt);
  const counts = rows.counts.filter((c) => c.firstAt <= cut);
  const events = rows.events.filter((e) => e.occurredAt <= cut).sort(byTime);
  const consents = rows.consents.filter((c) => c.occurredAt <= cut).sort((a, b) => byTime(a, b));
  const requests = rows.requests.filter((r) => r.openedAt <= cut);
  const holds = rows.holds.filter((h) => h.createdAt <= cut);
  const activeHolds = holds.filter((h) => holdActiveAt(h, at));

  const disclosures = events
    .filter((e) => e.type === 'data.shared' || e.type === 'data.exported')
    .map((e) => disclosureOf(e, consents));
  const recipients = new Map<string, ViewerReport['recipients'][number]>();
  for (const d of disclosures) {
    const key = `${d.recipient}\u0000${d.country ?? ''}`;
    const r = recipients.get(key);
    if (!r)
      recipients.set(key, {
        recipient: d.recipient,
        recipientType: d.recipientType,
        country: d.country,
        disclosures: 1,
        firstAt: d.at,
        lastAt: d.at,
        categories: [...d.categories],
      });
    else {
      r.disclosures++;
      r.lastAt = d.at;
      r.categories = union(r.categories, d.categories);
    }
  }

  const categories = dataCategories(counts, events, rows.holdings, cut);
  const lastEvent = counts.reduce((m, c) => Math.max(m, Math.min(c.lastAt, cut)), Number.NEGATIVE_INFINITY);
  const firstEvent = counts.reduce((m, c) => Math.min(m, c.firstAt), Number.POSITIVE_INFINITY);
  const total = counts.reduce((s, c) => s + c.events, 0);
  const retention = rows.asOf === null ? retentionOf(rows.retention, activeHolds, rows.userId, at) : [];

  return {
    reportVersion: VIEWER_REPORT_VERSION,
    userId: rows.userId,
    generatedAt: iso(rows.generatedAt),
    asOf: rows.asOf === null ? null : iso(rows.asOf),
    known: total > 0 || consents.length > 0 || requests.length > 0 || holds.length > 0,
    profile: {
      country: rows.profile.country,
      subdivision: rows.profile.subdivision,
      accountClosedAt:
        rows.profile.closedAt !== null && rows.profile.closedAt <= cut ? iso(rows.profile.closedAt) : null,
    },
    summary: {
      events: total,
      firstEventAt: Number.isFinite(firstEvent) ? iso(firstEvent) : null,
      lastEventAt: Number.isFinite(lastEvent) ? iso(lastEvent) : null,
      categories: categories.length,
      recipients: recipients.size,
      disclosures: disclosures.length,
      requests: requests.length,
      activeLegalHolds: activeHolds.length,
    },
    dataCategories: categories,
    activity: [...counts]
      .sort((a, b) => b.events - a.events || a.type.localeCompare(b.type))
      .map((c) => ({ type: c.type, events: c.events, firstAt: iso(c.firstAt), lastAt: iso(c.lastAt) })),
    purposes: purposesOf(consents),
    consentHistory: consents.map((c) => ({
      eventId: c.eventId,
      purpose: c.purpose,
      state: c.state,
      basis: c.basis,
      noticeVersion: c.noticeVersion,
      explicit: c.explicit,
      occurredAt: iso(c.occurredAt),
    })),
    recipients: [...recipients.values()].sort((a, b) => a.recipient.localeCompare(b.recipient)),
    disclosures,
    accesses: accessesOf(events),
    requests: requests
      .sort((a, b) => a.openedAt - b.openedAt || a.requestId.localeCompare(b.requestId))
      .map((r) => requestOf(r, cut, activeHolds, rows.userId)),
    retention,
    legalHolds: holds.map((h) => ({
      holdId: h.id,
      scope: h.recordType === null ? 'all data of the viewer' : `${h.recordType} ${h.recordId ?? ''}`,
      reason: h.reason,
      createdAt: iso(h.createdAt),
      endsAt: h.endsAt === null ? null : iso(h.endsAt),
      releasedAt: h.releasedAt === null || h.releasedAt > at ? null : iso(h.releasedAt),
      active: holdActiveAt(h, at),
    })),
  };
}

/**
 * The legal basis a disclosure rested on, from what is stored: a processor acts under its contract
 * (GDPR Art. 28), a disclosure to the viewer answers their own request; for a third party, the consent
 * the ledger held for the disclosure's purpose (or for third-party sharing) at that moment, else none.
 */
export function disclosureBasis(
  e: Pick<ReportEvent, 'occurredAt' | 'data'>,
  consents: readonly ReportConsent[],
): string {
  const type = str(e.data.recipientType);
  if (type === 'processor') return 'processor contract (GDPR Art. 28)';
  if (type === 'data_subject') return "the viewer's own request";
  for (const purpose of [str(e.data.purpose), 'third_party_sharing', 'sale_share']) {
    if (!purpose) continue;
    const latest = latestConsent(consents, purpose, e.occurredAt);
    if (latest?.state === 'granted' && (latest.expiresAt === null || latest.expiresAt > e.occurredAt))
      return `${latest.basis === 'legitimate_interest' ? 'legitimate interest' : 'consent'} (${purpose}, ${iso(latest.occurredAt)})`;
  }
  return 'none recorded';
}

function disclosureOf(
  e: ReportEvent,
  consents: readonly ReportConsent[],
): ViewerReport['disclosures'][number] {
  const safeguard = str(e.data.safeguard);
  return {
    eventId: e.eventId,
    kind: e.type === 'data.exported' ? 'exported' : 'shared',
    recipient: str(e.data.recipient) || '(unnamed)',
    recipientType: str(e.data.recipientType) || 'unknown',
    country: str(e.data.recipientCountry).toUpperCase() || null,
    categories: strings(e.data.categories),
    purpose: str(e.data.purpose) || null,
    at: iso(e.occurredAt),
    legalBasis: disclosureBasis(e, consents),
    transferSafeguard: e.data.dpfCertified === true ? 'dpf' : safeguard || null,
    saleOrShare: e.data.saleOrShare === true,
  };
}

function latestConsent(
  consents: readonly ReportConsent[],
  purpose: string,
  at: number,
): ReportConsent | null {
  let latest: ReportConsent | null = null;
  for (const c of consents) {
    if (c.purpose !== purpose || c.occurredAt > at) continue;
    if (latest === null || c.occurredAt >= latest.occurredAt) latest = c;
  }
  return latest;
}

function dataCategories(
  counts: readonly EventTypeCount[],
  events: readonly ReportEvent[],
  holdings: Readonly<Record<string, DataHolding>>,
  cut: number,
): ViewerReport['dataCategories'] {
  const seen = new Map<
    string,
    { sources: Set<string>; first: number; last: number; deletedAt: number | null }
  >();
  const note = (category: string, source: string, first: number, last: number) => {
    const c = seen.get(category);
    if (!c) seen.set(category, { sources: new Set([source]), first, last, deletedAt: null });
    else {
      c.sources.add(source);
      c.first = Math.min(c.first, first);
      c.last = Math.max(c.last, last);
    }
  };
  for (const c of counts)
    for (const category of CATEGORIES_BY_TYPE[c.type] ?? [])
      note(category, c.type, c.firstAt, Math.min(c.lastAt, cut));
  for (const e of events) {
    if (!CATEGORY_PAYLOAD_TYPES.has(e.type) || e.type === 'data.deleted') continue;
    for (const category of strings(e.data.categories)) note(category, e.type, e.occurredAt, e.occurredAt);
  }
  // Deletions: the latest data.deleted of a category after its last collection means it is gone.
  for (const e of events) {
    if (e.type !== 'data.deleted') continue;
    for (const category of strings(e.data.categories)) {
      const c = seen.get(category);
      if (c && e.occurredAt >= c.last) c.deletedAt = Math.max(c.deletedAt ?? 0, e.occurredAt);
    }
  }
  for (const [category, h] of Object.entries(holdings)) {
    if (h.firstCollectedAt > cut) continue;
    note(category, 'compliance state', h.firstCollectedAt, Math.min(h.lastCollectedAt, cut));
  }
  return [...seen.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, c]) => ({
      category,
      sources: [...c.sources].sort(),
      firstSeenAt: iso(c.first),
      lastSeenAt: iso(c.last),
      status: c.deletedAt !== null && c.deletedAt >= c.last ? 'deleted' : 'held',
      deletedAt: c.deletedAt !== null && c.deletedAt >= c.last ? iso(c.deletedAt) : null,
    }));
}

function purposesOf(consents: readonly ReportConsent[]): ViewerReport['purposes'] {
  const byPurpose = new Map<string, ReportConsent[]>();
  for (const c of consents) byPurpose.set(c.purpose, [...(byPurpose.get(c.purpose) ?? []), c]);
  return [...byPurpose.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([purpose, list]) => {
      const latest = list[list.length - 1];
      return {
        purpose,
        state: latest.state,
        basis: latest.basis,
        since: iso(latest.occurredAt),
        expiresAt: latest.state === 'granted' && latest.expiresAt !== null ? iso(latest.expiresAt) : null,
        changes: list.length,
      };
    });
}

function accessesOf(events: readonly ReportEvent[]): ViewerReport['accesses'] {
  const byKey = new Map<string, ViewerReport['accesses'][number]>();
  for (const e of events) {
    if (e.type !== 'data.accessed') continue;
    const purpose = str(e.data.purpose) || '(none)';
    const key = `${e.actorType}\u0000${purpose}`;
    const a = byKey.get(key);
    if (!a) byKey.set(key, { actorType: e.actorType, purpose, events: 1, lastAt: iso(e.occurredAt) });
    else {
      a.events++;
      a.lastAt = iso(e.occurredAt);
    }
  }
  return [...byKey.values()].sort((a, b) => b.events - a.events || a.purpose.localeCompare(b.purpose));
}

function requestOf(
  r: ReportRequest,
  cut: number,
  activeHolds: readonly LegalHold[],
  userId: string,
): ViewerReport['requests'][number] {
  const completed = r.completedAt !== null && r.completedAt <= cut ? r.completedAt : null;
  const refused = r.refusedAt !== null && r.refusedAt <= cut ? r.refusedAt : null;
  const answeredAt = completed ?? refused;
  const outcome = completed !== null ? 'completed' : refused !== null ? 'refused' : 'pending';
  const hold = activeHolds.find(
    (h) =>
      h.userId === userId &&
      (h.recordType === null || (h.recordType === 'dsr_request' && h.recordId === r.requestId)),
  );
  return {
    requestId: r.requestId,
    type: r.type,
    jurisdiction: r.jurisdiction,
    calendar: r.calendar,
    status:
      outcome === 'pending' ? (r.status === 'paused' && answeredAt === null ? 'paused' : 'open') : outcome,
    openedAt: iso(r.openedAt),
    dueAt: iso(r.dueAt),
    extended: r.extended,
    answeredAt: answeredAt === null ? null : iso(answeredAt),
    outcome,
    onTime:
      answeredAt === null
        ? cut !== Number.POSITIVE_INFINITY && cut > r.dueAt
          ? false
          : null
        : answeredAt <= r.dueAt,
    // Only an erasure request is suspended by a hold (domain/legal-holds.ts); the others are answered as usual.
    legalHold: hold && r.type === 'erasure' ? hold.id : null,
  };
}

/**
 * One line per held category: the earliest date a retention rule gives it, the rules that give that
 * date, and the legal hold that keeps it (then nothing is deleted while the hold lasts).
 */
function retentionOf(
  due: readonly RetentionDue[],
  activeHolds: readonly LegalHold[],
  userId: string,
  at: number,
): ViewerReport['retention'] {
  const earliest = new Map<string, RetentionDue[]>();
  for (const d of due) {
    const list = earliest.get(d.category);
    if (!list || d.deleteBy < list[0].deleteBy) earliest.set(d.category, [d]);
    else if (d.deleteBy === list[0].deleteBy) list.push(d);
  }
  return [...earliest.entries()]
    .sort(([, a], [, b]) => a[0].deleteBy - b[0].deleteBy)
    .map(([category, list]) => {
      const hold =
        activeHolds.find(
          (h) =>
            h.userId === userId &&
            (h.recordType === null || (h.recordType === 'data_category' && h.recordId === category)),
        ) ?? null;
      const first = list[0];
      return {
        category,
        anchor: first.anchor,
        anchorAt: iso(first.anchorAt),
        deleteBy: iso(first.deleteBy),
        rules: list.map((d) => d.ruleId).sort(),
        legalHold:
          hold === null
            ? null
            : {
                holdId: hold.id,
                reason: hold.reason,
                endsAt: hold.endsAt === null ? null : iso(hold.endsAt),
              },
        status: hold !== null ? 'suspended_by_legal_hold' : first.deleteBy <= at ? 'overdue' : 'scheduled',
      };
    });
}

function byTime<T extends { occurredAt: number }>(a: T, b: T): number {
  return a.occurredAt - b.occurredAt;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? [...new Set(value.filter((v): v is string => typeof v === 'string'))].sort()
    : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
