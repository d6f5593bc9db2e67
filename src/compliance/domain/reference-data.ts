/**
 * Versioned reference lists the rules read (EEA, adequacy decisions, ages of digital consent, holiday
 * calendars). The lists themselves are seed data in rule-packs/reference-sets.ts; this file only knows
 * how to look things up, and names the version it used so a finding can say "ADEQ@2026-01".
 */

export type MemberScope = 'dpf_certified' | 'pipeda_covered';

export interface SetMember {
  code: string;
  /** ISO date (inclusive) from which the member counts; absent = always. */
  from?: string;
  /** ISO date (exclusive) until which the member counts; absent = open-ended. */
  until?: string;
  /** Partial adequacy: the member counts only for recipients meeting the scope. */
  scope?: MemberScope;
  note?: string;
}

export interface ReferenceSet {
  name: string;
  version: string;
  description: string;
  source: string;
  members: SetMember[];
}

export interface AgeTable {
  name: string;
  version: string;
  description: string;
  source: string;
  defaultAge: number;
  ages: Record<string, number>;
}

export interface ReferenceBundle {
  sets: ReferenceSet[];
  ageTables: AgeTable[];
}

interface IndexedMember {
  from: number;
  until: number;
  scope: MemberScope | null;
}

export const AGE_OF_CONSENT = 'AGE_OF_CONSENT';

/** Country code of an ISO 3166-2 subdivision ("US-CA" → "US"), or the code itself. */
export function countryOf(code: string): string {
  const dash = code.indexOf('-');
  return (dash === -1 ? code : code.slice(0, dash)).toUpperCase();
}

export class ReferenceData {
  private readonly sets = new Map<string, Map<string, IndexedMember[]>>();
  private readonly versions = new Map<string, string>();
  private readonly ageTables = new Map<string, AgeTable>();

  /**
   * Keeps the newest version of each named list unless `pinned` names one ({ADEQ: '2025-12'}), so a
   * back-test or a re-run can reproduce what an older version would have said.
   */
  constructor(bundle: ReferenceBundle, pinned: Record<string, string> = {}) {
    for (const set of pickVersions(bundle.sets, pinned)) {
      const index = new Map<string, IndexedMember[]>();
      for (const m of set.members) {
        const entry = {
          from: m.from ? Date.parse(m.from) : -Infinity,
          until: m.until ? Date.parse(m.until) : Infinity,
          scope: m.scope ?? null,
        };
        const code = m.code.toUpperCase();
        index.set(code, [...(index.get(code) ?? []), entry]);
      }
      this.sets.set(set.name, index);
      this.versions.set(set.name, `${set.name}@${set.version}`);
    }
    for (const table of pickVersions(bundle.ageTables, pinned)) {
      this.ageTables.set(table.name, table);
      this.versions.set(table.name, `${table.name}@${table.version}`);
    }
  }

  hasSet(name: string): boolean {
    return this.sets.has(name) || this.ageTables.has(name);
  }

  setNames(): string[] {
    return [...this.sets.keys()];
  }

  /** "ADEQ@2026-01", or null for an unknown list. */
  versionOf(name: string): string | null {
    return this.versions.get(name) ?? null;
  }

  /** Plain membership at a time; a scoped member (US, CA in ADEQ) counts here without its scope. */
  inSet(name: string, code: string, atMs: number): boolean {
    if (!code) return false;
    const members = this.sets.get(name)?.get(code.toUpperCase()) ?? this.sets.get(name)?.get(countryOf(code));
    return members?.some((m) => m.from <= atMs && atMs < m.until) ?? false;
  }

  /**
   * Membership honouring partial adequacy: US only for recipients certified under the EU-US Data Privacy
   * Framework, CA only for recipients subject to PIPEDA.
   */
  inScopedSet(
    name: string,
    code: string,
    atMs: number,
    scopes: { dpfCertified: boolean; pipedaCovered: boolean },
  ): boolean {
    if (!code) return false;
    const members = this.sets.get(name)?.get(countryOf(code));
    if (!members) return false;
    return members.some(
      (m) =>
        m.from <= atMs &&
        atMs < m.until &&
        (m.scope === null ||
          (m.scope === 'dpf_certified' && scopes.dpfCertified) ||
          (m.scope === 'pipeda_covered' && scopes.pipedaCovered)),
    );
  }

  ageOfConsent(country: string, table = AGE_OF_CONSENT): number {
    const t = this.ageTables.get(table);
    if (!t) return 16;
    return t.ages[country.toUpperCase()] ?? t.ages[countryOf(country)] ?? t.defaultAge;
  }
}

function pickVersions<T extends { name: string; version: string }>(
  items: T[],
  pinned: Record<string, string>,
): T[] {
  const chosen = new Map<string, T>();
  for (const item of items) {
    const pin = pinned[item.name];
    if (pin !== undefined) {
      if (item.version === pin) chosen.set(item.name, item);
      continue;
    }
    const current = chosen.get(item.name);
    if (!current || current.version < item.version) chosen.set(item.name, item);
  }
  return [...chosen.values()];
}

// ---- business days (CCPA counts opt-out grace periods in business days) ----

const holidayCache = new Map<number, Set<string>>();

function ymd(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function nthWeekday(y: number, month: number, weekday: number, n: number): number {
  const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay();
  return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(y: number, month: number, weekday: number): number {
  const lastDay = new Date(Date.UTC(y, month, 0)).getUTCDate();
  const lastDow = new Date(Date.UTC(y, month - 1, lastDay)).getUTCDay();
  return lastDay - ((lastDow - weekday + 7) % 7);
}

/**
 * California state holidays (Gov. Code §6700, as observed by state offices; verify yearly): fixed-date
 * holidays falling on a Sunday are observed on the Monday.
 */
export function californiaHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days = new Set<string>();
  const fixed = (m: number, d: number) => {
    const dow = new Date(Date.UTC(year, m - 1, d)).getUTCDay();
    const shifted = new Date(Date.UTC(year, m - 1, d + (dow === 0 ? 1 : 0)));
    days.add(shifted.toISOString().slice(0, 10));
  };
  fixed(1, 1); // New Year's Day
  days.add(ymd(year, 1, nthWeekday(year, 1, 1, 3))); // Martin Luther King Jr. Day
  days.add(ymd(year, 2, nthWeekday(year, 2, 1, 3))); // Presidents' Day
  fixed(3, 31); // Cesar Chavez Day
  days.add(ymd(year, 5, lastWeekday(year, 5, 1))); // Memorial Day
  fixed(7, 4); // Independence Day
  days.add(ymd(year, 9, nthWeekday(year, 9, 1, 1))); // Labor Day
  days.add(ymd(year, 9, nthWeekday(year, 9, 5, 4))); // Native American Day
  fixed(11, 11); // Veterans Day
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  days.add(ymd(year, 11, thanksgiving));
  days.add(ymd(year, 11, thanksgiving + 1));
  fixed(12, 25); // Christmas Day
  holidayCache.set(year, days);
  return days;
}

/** The instant `n` business days (Mon-Fri, not a California holiday) after `atMs`, same time of day (UTC). */
export function addBusinessDays(atMs: number, n: number): number {
  let t = atMs;
  let left = Math.max(0, Math.floor(n));
  while (left > 0) {
    t += 86_400_000;
    const d = new Date(t);
    const dow = d.getUTCDay();
    if (dow === 0 || dow === 6) continue;
    if (californiaHolidays(d.getUTCFullYear()).has(d.toISOString().slice(0, 10))) continue;
    left--;
  }
  return t;
}
