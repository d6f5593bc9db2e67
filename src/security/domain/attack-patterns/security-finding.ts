import { AttackCategory, FieldMatch, Severity } from './attack-pattern';
import { MAX_EXCERPT_LENGTH } from './attack-pattern-detector';
import { sanitizeForDisplay } from './display-sanitiser';

/**
 * The record the pipeline keeps for an attack pattern found in an event field. `excerpt` is already
 * HTML-escaped and free of null bytes, so it can be stored and rendered as it is; the event's raw
 * field stays the evidence of record.
 */
export interface SecurityFinding {
  readonly kind: 'security';
  readonly patternId: string;
  readonly category: AttackCategory;
  readonly severity: Severity;
  readonly field: string;
  readonly excerpt: string;
}

export function securityFindingFromMatch(match: FieldMatch): SecurityFinding {
  // Bounded before escaping so an entity is never cut in half; escaping can at most multiply the
  // length by six (`'` becomes `&#x27;`), which bounds the stored excerpt too.
  const boundedExcerpt = Array.from(match.excerpt).slice(0, MAX_EXCERPT_LENGTH).join('');
  return {
    kind: 'security',
    patternId: match.patternId,
    category: match.category,
    severity: match.severity,
    field: match.field,
    excerpt: sanitizeForDisplay(boundedExcerpt),
  };
}
