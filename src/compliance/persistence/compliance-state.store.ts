/**
 * All SQL of the compliance stage's batch transaction: claim the batch, lock and read the states of its
 * viewers and actors, write them back with the consent ledger, the data-subject requests, the viewer
 * profiles and the findings. Every statement is set-based (unnest arrays, JSON arrays): a batch costs
 * the same eight round trips whether it holds 1 event or 1,000.
 */
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery as prepared, type Sql } from '../../database/sql';
import type { ActorType, ComplianceEvent } from '../domain/compliance-event';
import { str, timeOf } from '../domain/compliance-event';
import { calendarForJurisdiction, computeDueDetail, type DsrCalendar } from '../domain/deadlines';
import type { ReferenceData } from '../domain/reference-data';
import type { Finding } from '../domain/rule';
import type { BudgetOverrun } from '../domain/rule-budget';
import type { ActorState, DsrRecord, StateSection, ViewerState } from '../domain/viewer-state';
import { tracksActor } from '../domain/viewer-state-reducer';
import { mergeWindows } from '../domain/windowed-activity';
import { parseActorState, parseViewerState } from './state-codec';
import { stateRequestCalendar } from '../rule-packs/us-states.table';
import { findingUserId, STORED_EVENT_COLUMNS, toComplianceEvent, type StoredEventRow } from './stored-events';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Findings are keyed by dedupe key: a retry, a re-run or a second scheduler tick adds nothing. */
const INSERT_FINDINGS = `INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, reference,
                                          severity, explanation, evidence_event_ids, details, occurred_at)
       SELECT k, 'compliance', e, u, r, v, f, ref, s, x, ev::uuid[], det::jsonb, o
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], string_to_array($11, chr(30)), $12::timestamptz[])
              AS t(k, e, u, r, v, f, ref, s, x, ev, det, o)
       ON CONFLICT (dedup_key) DO NOTHING`;
/** The same, with its parameters numbered from $17 (inside writeBatch's statement). */
const INSERT_FINDINGS_FROM_17 = INSERT_FINDINGS.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 16}`);

/** What a finding row carries besides the domain Finding: the rule's title and remediation. */
export interface FindingRuleText {
  title: string;
  remediation: string;
}

export interface FindingRow {
  finding: Finding;
  rule: FindingRuleText | undefined;
}

/** How the stage calls an open request's calendar when its jurisdiction names none. */
export const UNKNOWN_CALENDAR = 'unknown';

/** A viewer's state after the batch, and as it was read (null for a viewer with no stored state yet). */
export interface ViewerWrite {
  state: ViewerState;
  before: ViewerState | null;
}

/** Everything the batch transaction writes in its one main statement. */
export interface BatchWrites {
  batchId: string;
  viewers: readonly ViewerWrite[];
  /** The batch's events (consent events become ledger rows). */
  events: readonly ComplianceEvent[];
  findings: readonly FindingRow[];
}

@Injectable()
export class ComplianceStateStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The three reads of a batch, at once, before its transaction: the rules' revision and whether the
   * batch was applied already; its events as reception stored them, in event-time order; the counters of
   * the actors whose reads of personal data it holds, as last committed (no lock: see mergeActorStates).
   */
  async loadBatch(batchId: string): Promise<{
    revision: number;
    applied: boolean;
    events: ComplianceEvent[];
    actors: Map<string, ActorState>;
  }> {
    const loadEvents = async () => {
      const rows: StoredEventRow[] = await this.dataSource.query(
        // The batch's ids first, then primary-key lookups (as the ML stage reads): a join lets the
        // planner pick a scan of processed_events when its estimates are off.
        `SELECT ${STORED_EVENT_COLUMNS}
           FROM processed_events p
          WHERE p.event_id = ANY((SELECT array_agg(event_id) FROM event_receipts WHERE batch_id = $1)::uuid[])
          ORDER BY p.occurred_at, p.event_id`,
        [batchId],
      );
      const events = rows.map(toComplianceEvent);
      return { events, actors: await this.readActorStates(this.dataSource, events) };
    };
    const [[status], { events, actors }] = await Promise.all([
      this.dataSource.query(
        `SELECT (SELECT revision FROM compliance_rule_revision) AS revision,
                EXISTS (SELECT 1 FROM compliance_applied_batches WHERE batch_id = $1) AS applied`,
        [batchId],
      ),
      loadEvents(),
    ]);
    return { revision: Number(status.revision ?? 0), applied: status.applied === true, events, actors };
  }

  /** The counters of the actors these events read data as, as last committed (no lock). */
  async readActorStates(tx: Sql, events: readonly ComplianceEvent[]): Promise<Map<string, ActorState>> {
    const types = new Map<string, ActorType>();
    for (const e of events) if (tracksActor(e)) types.set(e.actorId, e.actorType);
    const actors = new Map<string, ActorState>();
    if (types.size === 0) return actors;
    const rows: { actor_id: string; state: unknown }[] = await tx.query(
      `SELECT actor_id, state FROM compliance_actor_state WHERE actor_id = ANY($1::text[]) AND state IS NOT NULL`,
      [[...types.keys()]],
    );
    for (const row of rows)
      actors.set(row.actor_id, parseActorState(row.actor_id, types.get(row.actor_id)!, row.state));
    return actors;
  }

  /**
   * In the caller's transaction: records the batch as applied. False when it was applied already: a
   * concurrent run of the same batch waits here on the other's uncommitted row, then sees it and backs
   * off. The transaction also stops waiting for its WAL flush (see ComplianceStage), in the same round trip.
   */
  async claimBatch(tx: Sql, batchId: string, eventCount: number): Promise<boolean> {
    const [row] = await prepared<{ claimed: number }>(
      tx,
      'compliance_claim_batch',
      `WITH claim AS (
              INSERT INTO compliance_applied_batches (batch_id, event_count) VALUES ($1, $2)
              ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id)
       SELECT (SELECT count(*) FROM claim)::int AS claimed, set_config('synchronous_commit', 'off', true) AS sync`,
      [batchId, eventCount],
    );
    return row.claimed === 1;
  }

  /**
   * Locks and reads the viewers' state rows, creating the rows of viewers seen for the first time (then
   * locking those). Ids are sorted, so two batches lock shared rows in the same order (no deadlock between
   * them); the later one waits, then reads what the first one committed. A new viewer's row is created
   * before it is evaluated, so that two batches of a new viewer serialise on it too. `fresh`: viewers
   * with no stored state yet.
   */
  async lockViewerStates(
    tx: Sql,
    viewerIds: readonly string[],
  ): Promise<{ viewers: Map<string, ViewerState>; fresh: Set<string> }> {
    const viewers = new Map<string, ViewerState>();
    const fresh = new Set<string>();
    if (viewerIds.length === 0) return { viewers, fresh };
    const lock = async (ids: string[]) => {
      // The columns, not the compliance_viewer_state_json view: the driver parses each section, and the
      // database does not build 500 documents a batch.
      const rows = await prepared<ViewerStateRow>(
        tx,
        'compliance_lock_viewers',
        `SELECT user_id, head, ${SECTION_COLUMNS.join(', ')} FROM compliance_viewer_state
          WHERE user_id = ANY($1::text[]) ORDER BY user_id FOR UPDATE`,
        [ids],
      );
      for (const row of rows) {
        viewers.set(row.user_id, parseViewerState(row.user_id, assembleState(row)));
        if (row.head === null) fresh.add(row.user_id);
      }
    };
    const sorted = [...viewerIds].sort();
    await lock(sorted);
    const missing = sorted.filter((id) => !viewers.has(id));
    if (missing.length > 0) {
      await tx.query(
        `INSERT INTO compliance_viewer_state (user_id) SELECT unnest($1::text[]) ON CONFLICT (user_id) DO NOTHING`,
        [missing],
      );
      await lock(missing);
    }
    return { viewers, fresh };
  }

  /**
   * One statement: the viewers' changed state sections, the consent ledger rows (one per consent event,
   * keyed by event id), the findings (once per dedupe key) and the batch's finding count. Returns how many
   * findings were new.
   */
  async writeBatch(tx: Sql, w: BatchWrites): Promise<number> {
    const consents = w.events.filter(
      (e) => (e.type === 'consent.granted' || e.type === 'consent.withdrawn') && str(e.data.purpose) !== '',
    );
    const f = findingColumns(w.findings);
    const states = w.viewers.map((v) => v.state);
    const [row] = await prepared<{ inserted: number }>(
      tx,
      'compliance_write_batch',
      `WITH states AS (
              UPDATE compliance_viewer_state s
                 SET head = u.head::json,
                     ${SECTION_COLUMNS.map((c) => `${c} = coalesce(nullif(u.${c}, '')::json, s.${c})`).join(',\n                     ')},
                     as_of = u.as_of, has_breaches = u.has_breaches, updated_at = now()
                FROM unnest($1::text[], $2::timestamptz[], $3::boolean[], string_to_array($4, chr(30)),
                            ${SECTION_COLUMNS.map((_, i) => `string_to_array($${FIRST_SECTION_PARAM + i}, chr(30))`).join(', ')})
                     AS u(user_id, as_of, has_breaches, head, ${SECTION_COLUMNS.join(', ')})
               WHERE s.user_id = u.user_id),
            ledger AS (
              INSERT INTO consents (event_id, user_id, purpose, state, basis, notice_version, separate_form, explicit,
                                    expires_at, occurred_at)
              SELECT * FROM unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::boolean[],
                                   $12::boolean[], $13::timestamptz[], $14::timestamptz[])
              ON CONFLICT (event_id) DO NOTHING),
            found AS (
              ${INSERT_FINDINGS_FROM_17} RETURNING 1),
            counted AS (
              UPDATE compliance_applied_batches SET finding_count = $15 WHERE batch_id = $16 AND $15 > 0)
       SELECT (SELECT count(*) FROM found)::int AS inserted`,
      [
        states.map((v) => v.userId),
        states.map((v) => (v.asOf === null ? null : iso(v.asOf))),
        states.map((v) => Object.keys(v.breaches).length > 0),
        packJson(states.map((v) => ({ stateVersion: v.stateVersion, asOf: v.asOf, lastLogin: v.lastLogin }))),
        consents.map((e) => e.eventId),
        consents.map((e) => e.userId),
        consents.map((e) => str(e.data.purpose)),
        consents.map((e) => (e.type === 'consent.granted' ? 'granted' : 'withdrawn')),
        consents.map((e) => (e.data.basis === 'legitimate_interest' ? 'legitimate_interest' : 'consent')),
        consents.map((e) => str(e.data.noticeVersion) || null),
        consents.map((e) => e.data.separateForm === true),
        consents.map((e) => e.data.explicit === true),
        consents.map((e) => {
          const t = e.type === 'consent.granted' ? timeOf(e.data.expiresAt) : null;
          return t === null ? null : iso(t);
        }),
        consents.map((e) => e.occurredAt.toISOString()),
        w.findings.length,
        w.batchId,
        ...f,
        ...changedSections(w.viewers),
      ],
    );
    return row.inserted;
  }

  /**
   * Adds this batch's counts (`deltas`: windows built from the batch's events alone) to the actors'
   * stored windows: locks the rows in id order (creating missing ones), merges, writes. Counts add up, so
   * concurrent batches never lose each other's counts, and the rows stay locked only from here to commit,
   * not for the whole batch (a busy service account appears in nearly every batch and would otherwise
   * serialise them all).
   */
  async mergeActorStates(tx: Sql, deltas: ReadonlyMap<string, ActorState>): Promise<void> {
    if (deltas.size === 0) return;
    // ON CONFLICT DO UPDATE locks an existing row and returns its latest committed state.
    const rows = await prepared<{ actor_id: string; state: unknown }>(
      tx,
      'compliance_lock_actors',
      `INSERT INTO compliance_actor_state (actor_id) SELECT unnest($1::text[])
       ON CONFLICT (actor_id) DO UPDATE SET updated_at = now()
       RETURNING actor_id, state`,
      [[...deltas.keys()].sort()],
    );
    const merged = rows.map((row) => {
      const delta = deltas.get(row.actor_id)!;
      if (row.state === null) return delta;
      const stored = parseActorState(row.actor_id, delta.actorType, row.state);
      return { ...stored, access: mergeWindows(stored.access, delta.access) };
    });
    await prepared(
      tx,
      'compliance_write_actors',
      `UPDATE compliance_actor_state s SET state = u.state
         FROM unnest(string_to_array($1, chr(30))::json[], $2::text[]) AS u(state, actor_id)
        WHERE s.actor_id = u.actor_id`,
      [packJson(merged), merged.map((m) => m.actorId)],
    );
  }

  /**
   * Upserts the relational copy of each request these events touched, from the updated state (the state
   * is the source of truth; the row serves the API and the deadline scheduler's index).
   */
  async upsertRequests(
    tx: Sql,
    events: readonly ComplianceEvent[],
    viewers: ReadonlyMap<string, ViewerState>,
    reference: ReferenceData,
    now: Date,
  ): Promise<void> {
    const touched = new Map<string, DsrRecord & { userId: string }>();
    for (const e of events) {
      if (!e.type.startsWith('dsr.')) continue;
      const record = viewers.get(e.userId)?.dsrs[str(e.data.requestId)];
      if (record) touched.set(record.requestId, { ...record, userId: e.userId });
    }
    if (touched.size === 0) return;
    const rows = [...touched.values()].map((r) => ({ r, ...requestSchedule(r, reference, now) }));
    await tx.query(
      `INSERT INTO dsar_requests (request_id, user_id, type, jurisdiction, calendar, opened_at, due_at, extension_notified_at,
                                  pauses, completed_at, refused_at, status, opened_event_id, updated_at)
       SELECT r, u, t, j, c, o, d, x, p::jsonb, ca, ra, s, e, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
                     $8::timestamptz[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::uuid[])
              AS t(r, u, t, j, c, o, d, x, p, ca, ra, s, e)
       ON CONFLICT (request_id) DO UPDATE
          SET calendar = EXCLUDED.calendar, due_at = EXCLUDED.due_at, extension_notified_at = EXCLUDED.extension_notified_at,
              pauses = EXCLUDED.pauses, completed_at = EXCLUDED.completed_at, refused_at = EXCLUDED.refused_at,
              status = EXCLUDED.status, updated_at = now()
        WHERE dsar_requests.user_id = EXCLUDED.user_id`,
      [
        rows.map(({ r }) => r.requestId),
        rows.map(({ r }) => r.userId),
        rows.map(({ r }) => r.type),
        rows.map(({ r }) => r.jurisdiction),
        rows.map(({ calendar }) => calendar),
        rows.map(({ r }) => iso(r.openedAt)),
        rows.map(({ due }) => iso(due)),
        rows.map(({ r }) => (r.extension ? iso(r.extension.notifiedAt) : null)),
        rows.map(({ r }) =>
          JSON.stringify(
            r.pauses.map((p) => ({
              from: iso(p.from),
              to: p.to === null ? null : iso(p.to),
              reason: p.reason,
            })),
          ),
        ),
        rows.map(({ r }) => (r.completedAt === null ? null : iso(r.completedAt))),
        rows.map(({ r }) => (r.refusedAt === null ? null : iso(r.refusedAt))),
        rows.map(({ r }) => requestStatus(r)),
        rows.map(({ r }) => r.openedEventId),
      ],
    );
  }

  /** Profile columns of viewer_profiles, for viewers whose account events are in the batch. */
  async upsertProfiles(
    tx: Sql,
    events: readonly ComplianceEvent[],
    viewers: ReadonlyMap<string, ViewerState>,
  ): Promise<void> {
    const ids = [...new Set(events.filter((e) => e.type.startsWith('account.')).map((e) => e.userId))];
    const states = ids.map((id) => viewers.get(id)).filter((s): s is ViewerState => s !== undefined);
    if (states.length === 0) return;
    await tx.query(
      `INSERT INTO viewer_profiles (user_id, country, birth_year, age_band, age_verified, parental_consent_verified,
                                    parental_scopes, created_at, closed_at, last_activity_at, updated_at)
       SELECT u, c, b, a, av, pv, string_to_array(ps, ','), ca, cl, la, now()
         FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::boolean[], $6::boolean[], $7::text[],
                     $8::timestamptz[], $9::timestamptz[], $10::timestamptz[]) AS t(u, c, b, a, av, pv, ps, ca, cl, la)
       ON CONFLICT (user_id) DO UPDATE
          SET country = EXCLUDED.country, birth_year = EXCLUDED.birth_year, age_band = EXCLUDED.age_band,
              age_verified = EXCLUDED.age_verified, parental_consent_verified = EXCLUDED.parental_consent_verified,
              parental_scopes = EXCLUDED.parental_scopes, created_at = EXCLUDED.created_at, closed_at = EXCLUDED.closed_at,
              last_activity_at = EXCLUDED.last_activity_at, updated_at = now()`,
      [
        states.map((s) => s.userId),
        states.map((s) => (s.profile.country ? s.profile.country.slice(0, 2) : null)),
        states.map((s) => s.profile.birthYear),
        states.map((s) => s.profile.ageBand),
        states.map((s) => s.profile.ageVerifiedAt !== null),
        states.map((s) => s.profile.parental?.verified === true),
        states.map((s) => (s.profile.parental?.scopes ?? []).join(',')),
        states.map((s) => (s.profile.createdAt === null ? null : iso(s.profile.createdAt))),
        states.map((s) => (s.profile.closedAt === null ? null : iso(s.profile.closedAt))),
        states.map((s) => (s.profile.lastActivityAt === null ? null : iso(s.profile.lastActivityAt))),
      ],
    );
  }

  /** Inserts findings once per dedupe key (scheduler runs); returns the keys that were new. */
  async insertFindings(tx: Sql, rows: readonly FindingRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const inserted: { dedup_key: string }[] = await tx.query(
      `${INSERT_FINDINGS} RETURNING dedup_key`,
      findingColumns(rows),
    );
    return inserted.map((r) => r.dedup_key);
  }

  /**
   * Records the rules that went over their evaluation budget in a batch (rule health, read through the
   * rules API). Once per rule and batch: a re-run batch does not record it twice. `source`: the stage,
   * or the scheduled task whose page of viewer states `batchId` names.
   */
  async recordBudgetOverruns(
    tx: Sql,
    batchId: string,
    overruns: readonly BudgetOverrun[],
    source = 'compliance',
  ): Promise<void> {
    if (overruns.length === 0) return;
    await tx.query(
      `INSERT INTO compliance_rule_health (rule_id, rule_version, kind, source, batch_id, spent_ms, budget_ms, evaluations, skipped)
       SELECT u.rule_id, u.rule_version, 'budget_exceeded', $8, $1, u.spent_ms, u.budget_ms, u.evaluations, u.skipped
         FROM unnest($2::text[], $3::int[], $4::float8[], $5::int[], $6::int[], $7::int[])
              AS u(rule_id, rule_version, spent_ms, budget_ms, evaluations, skipped)
       ON CONFLICT (rule_id, batch_id, kind) DO NOTHING`,
      [
        batchId,
        overruns.map((o) => o.ruleId),
        overruns.map((o) => o.ruleVersion),
        overruns.map((o) => o.spentMs),
        overruns.map((o) => o.budgetMs),
        overruns.map((o) => o.evaluations),
        overruns.map((o) => o.skipped),
        source,
      ],
    );
  }
}

/**
 * Many JSON documents as one text parameter, split by PostgreSQL with string_to_array on the ASCII record
 * separator (JSON.stringify escapes every control character, so it never occurs inside a document). A
 * text[] parameter would escape and unescape every quote of a megabyte of JSON, several times slower.
 */
function packJson(values: readonly object[]): string | null {
  return values.length === 0 ? null : values.map((v) => JSON.stringify(v)).join('\x1e');
}

/** ViewerState sections and their columns; the rest (stateVersion, asOf, lastLogin) is the `head` column. */
const SECTIONS = [
  ['profile', 'profile'],
  ['consents', 'consents'],
  ['dsrs', 'dsrs'],
  ['signals', 'signals'],
  ['holdings', 'holdings'],
  ['recipients', 'recipients'],
  ['loginFailures', 'login_failures'],
  ['countriesSeen', 'countries_seen'],
  ['breaches', 'breaches'],
] as const satisfies ReadonlyArray<readonly [StateSection, string]>;
const SECTION_COLUMNS = SECTIONS.map(([, column]) => column);
/** writeBatch's parameters: states $1-$4, ledger $5-$14, count $15-$16, findings $17-$28, sections from $29. */
const FIRST_SECTION_PARAM = 29;

interface ViewerStateRow {
  user_id: string;
  head: Pick<ViewerState, 'stateVersion' | 'asOf' | 'lastLogin'> | null;
  profile: ViewerState['profile'];
  consents: ViewerState['consents'];
  dsrs: ViewerState['dsrs'];
  signals: ViewerState['signals'];
  holdings: ViewerState['holdings'];
  recipients: ViewerState['recipients'];
  login_failures: ViewerState['loginFailures'];
  countries_seen: ViewerState['countriesSeen'];
  breaches: ViewerState['breaches'];
}

/**
 * A ViewerState from its row's columns (null for a row no batch has written yet). One object literal,
 * in the domain's key order: every state then shares one hidden class, which keeps the evaluator fast.
 */
function assembleState(row: ViewerStateRow): ViewerState | null {
  const head = row.head;
  if (head === null) return null;
  return {
    stateVersion: head.stateVersion,
    userId: row.user_id,
    asOf: head.asOf,
    profile: row.profile,
    consents: row.consents,
    dsrs: row.dsrs,
    signals: row.signals,
    holdings: row.holdings,
    recipients: row.recipients,
    loginFailures: row.login_failures,
    countriesSeen: row.countries_seen,
    lastLogin: head.lastLogin,
    breaches: row.breaches,
  };
}

/**
 * One packed parameter per section: the section's JSON where the batch changed it, '' (kept as is)
 * where it did not. The evaluator works on copy-on-write states: a section it wrote to is a new object
 * (viewer-state.ts `own`), one it did not write is the very object it read.
 */
function changedSections(viewers: readonly ViewerWrite[]): string[] {
  return SECTIONS.map(([section]) =>
    viewers
      .map(({ state, before }) =>
        before !== null && state[section] === before[section] ? '' : JSON.stringify(state[section]),
      )
      .join('\x1e'),
  );
}

/** Parameters $1..$12 of INSERT_FINDINGS. */
function findingColumns(rows: readonly FindingRow[]): unknown[] {
  return [
    rows.map(({ finding }) => finding.dedupeKey),
    rows.map(({ finding }) => finding.eventId),
    rows.map(({ finding }) => findingUserId(finding.userId)),
    rows.map(({ finding }) => finding.ruleId),
    rows.map(({ finding }) => String(finding.ruleVersion)),
    rows.map(({ finding }) => finding.framework),
    rows.map(({ finding }) => finding.reference),
    rows.map(({ finding }) => finding.severity),
    rows.map(({ finding }) => finding.explanation),
    rows.map(({ finding }) => `{${finding.evidenceEventIds.filter((id) => UUID.test(id)).join(',')}}`),
    packJson(
      rows.map(({ finding, rule }) => ({
        stateRead: finding.stateRead,
        title: rule?.title,
        remediation: rule?.remediation,
      })),
    ),
    rows.map(({ finding }) => finding.occurredAt.toISOString()),
  ];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function requestStatus(r: DsrRecord): 'open' | 'paused' | 'completed' | 'refused' {
  if (r.completedAt !== null) return 'completed';
  if (r.refusedAt !== null) return 'refused';
  return r.pauses.some((p) => p.to === null) ? 'paused' : 'open';
}

/**
 * The calendar a request follows (from its jurisdiction) and its due date as of `now`. A jurisdiction
 * with no known calendar is stored as "unknown" with the GDPR month as an indicative due date; the
 * deadline rules decide for themselves which requests they judge.
 */
export function requestSchedule(
  r: DsrRecord,
  reference: ReferenceData,
  now: Date,
): { calendar: DsrCalendar | typeof UNKNOWN_CALENDAR; due: number; extended: boolean; pausedMs: number } {
  const calendar = calendarForJurisdiction(
    r.jurisdiction,
    (code) => reference.inSet('EEA', code, r.openedAt),
    stateRequestCalendar,
  );
  const detail = computeDueDetail(r, calendar ?? 'GDPR', now);
  return {
    calendar: calendar ?? UNKNOWN_CALENDAR,
    due: detail.due.getTime(),
    extended: detail.extended,
    pausedMs: detail.pausedMs,
  };
}
