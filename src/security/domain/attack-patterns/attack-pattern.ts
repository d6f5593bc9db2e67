export const ATTACK_CATEGORIES = [
  'sql-injection',
  'xss',
  'path-traversal',
  'command-injection',
  'nosql-injection',
  'ldap-injection',
  'template-injection',
] as const;

export type AttackCategory = (typeof ATTACK_CATEGORIES)[number];

// Ordered from least to most urgent, so severities can be compared by index: the shared scale.
import { SEVERITIES, type Severity } from '../../../common/domain/severity';

export { SEVERITIES, type Severity };

/**
 * One detection rule. `id` is stable: findings are stored with it, so a rule that changes meaning gets a
 * new id rather than reusing an old one.
 *
 * `regex` runs against *normalised* text (see `normaliseForScanning`): lower case, decoded, whitespace
 * collapsed to single spaces (a newline run stays one `\n`), SQL comment delimiters turned into spaces.
 * Patterns are therefore written in lower case and use `\s?` / `\s` where any amount of whitespace is
 * meant. To keep matching linear every quantifier is bounded or applies to a single character class,
 * no quantified group contains another quantifier, and no quantified alternation has overlapping
 * branches; `attack-pattern-linear-time.spec.ts` checks this statically (recheck) and by timing.
 *
 * `examples` are payloads the rule must match on their own; the unit tests hold each rule to them.
 */
export interface AttackPattern {
  readonly id: string;
  readonly category: AttackCategory;
  readonly severity: Severity;
  readonly description: string;
  readonly regex: RegExp;
  readonly examples: readonly string[];
}

/** What `AttackPatternDetector.scan` reports: one per rule that matched, at its first match. */
export interface AttackMatch {
  readonly patternId: string;
  readonly category: AttackCategory;
  readonly severity: Severity;
  /**
   * Up to `MAX_EXCERPT_LENGTH` characters of the *normalised* text around the match (decoded, lower
   * case), because that is what the rule saw: the raw text of an encoded payload would not show why it
   * matched. Not escaped: pass it through `sanitizeForDisplay` before storing or showing it.
   */
  readonly excerpt: string;
}

/** A match found by `scanFields`, naming the field it came from (e.g. `userAgent`, `data.comment`). */
export interface FieldMatch extends AttackMatch {
  readonly field: string;
}
