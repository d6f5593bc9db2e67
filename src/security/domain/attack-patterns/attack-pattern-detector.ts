import { AttackMatch, AttackPattern, FieldMatch } from './attack-pattern';
import { ATTACK_PATTERNS } from './attack-pattern-catalogue';
import { normaliseForScanning } from './scan-text-normaliser';

/** Characters of context kept on each side of a match in `AttackMatch.excerpt`. */
const EXCERPT_CONTEXT = 20;

/** Longest excerpt a match carries, context included. */
export const MAX_EXCERPT_LENGTH = 120;

/**
 * Looks for injection payloads (SQL, XSS, path traversal, shell, NoSQL, LDAP, template) in free text.
 *
 * A finding means "this text contains attack syntax", not "an attack succeeded": the pipeline stores
 * data, it does not execute it, so matches are evidence of probing to report, not errors to reject.
 * Each field is normalised once (decoded, case-folded; see `normaliseForScanning`) and every rule is
 * run on it; a rule reports at most one match per field, which keeps the output bounded by
 * rules × fields. Only the first `MAX_SCANNED_LENGTH` characters of a field are scanned, so a payload
 * placed after 8 KB of padding is not seen; callers that accept longer text should flag its length
 * separately.
 */
export class AttackPatternDetector {
  constructor(private readonly patterns: readonly AttackPattern[] = ATTACK_PATTERNS) {}

  scan(text: string): AttackMatch[] {
    if (text.length === 0) return [];
    const normalised = normaliseForScanning(text);
    const matches: AttackMatch[] = [];
    for (const pattern of this.patterns) {
      const found = pattern.regex.exec(normalised);
      if (found === null) continue;
      matches.push({
        patternId: pattern.id,
        category: pattern.category,
        severity: pattern.severity,
        excerpt: excerptAround(normalised, found.index, found[0].length),
      });
    }
    return matches;
  }

  /**
   * Scans several named fields of one event. Values that are not strings are skipped rather than
   * rejected, because callers pass loosely typed event payloads (`data` fields) straight in.
   */
  scanFields(fields: Readonly<Record<string, string>>): FieldMatch[] {
    const matches: FieldMatch[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (typeof value !== 'string') continue;
      for (const match of this.scan(value)) matches.push({ ...match, field });
    }
    return matches;
  }
}

function excerptAround(text: string, matchStart: number, matchLength: number): string {
  const shownMatchLength = Math.min(matchLength, MAX_EXCERPT_LENGTH - 2 * EXCERPT_CONTEXT);
  const start = Math.max(0, matchStart - EXCERPT_CONTEXT);
  const end = Math.min(text.length, matchStart + shownMatchLength + EXCERPT_CONTEXT);
  return text.slice(start, end);
}
