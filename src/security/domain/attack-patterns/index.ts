export {
  ATTACK_CATEGORIES,
  SEVERITIES,
  type AttackCategory,
  type AttackMatch,
  type AttackPattern,
  type FieldMatch,
  type Severity,
} from './attack-pattern';
export { ATTACK_PATTERNS } from './attack-pattern-catalogue';
export { AttackPatternDetector, MAX_EXCERPT_LENGTH } from './attack-pattern-detector';
export { sanitizeForDisplay } from './display-sanitiser';
export { MAX_DECODING_ROUNDS, MAX_SCANNED_LENGTH, normaliseForScanning } from './scan-text-normaliser';
export { securityFindingFromMatch, type SecurityFinding } from './security-finding';
