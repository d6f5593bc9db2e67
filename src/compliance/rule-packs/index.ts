/**
 * Seed rule packs and reference lists. The lead's seeding migration inserts these as version 1 of each
 * rule; later edits are new versions stored in the database, validated with RuleLanguage.validate.
 */
import { ReferenceData } from '../domain/reference-data';
import type { RuleDefinition } from '../domain/rule';
import { RuleLanguage } from '../domain/rule-language';
import { RuleSet } from '../domain/rule-set';
import { CCPA_PACK } from './ccpa.pack';
import { DSA_LGPD_PIPEDA_PACK } from './dsa-lgpd-pipeda.pack';
import { EPRIVACY_UK_PACK } from './eprivacy-uk.pack';
import { GDPR_PACK } from './gdpr.pack';
import { REFERENCE_BUNDLE } from '../domain/reference-sets';
import { COPPA_VPPA_PACK } from './us-video-children.pack';
import { US_STATE_PACK } from './us-states.pack';

export { REFERENCE_BUNDLE } from '../domain/reference-sets';

export const SEED_RULES: readonly RuleDefinition[] = [
  ...GDPR_PACK,
  ...EPRIVACY_UK_PACK,
  ...CCPA_PACK,
  ...US_STATE_PACK,
  ...COPPA_VPPA_PACK,
  ...DSA_LGPD_PIPEDA_PACK,
];

/** Reference data from the seed lists; `pinned` selects older list versions ({ADEQ: '2025-12'}). */
export function seedReferenceData(pinned: Record<string, string> = {}): ReferenceData {
  return new ReferenceData(REFERENCE_BUNDLE, pinned);
}

export function seedRuleLanguage(): RuleLanguage {
  return new RuleLanguage(seedReferenceData());
}

/** All seed rules compiled (the set the tests and the benchmark run). */
export function seedRuleSet(language: RuleLanguage = seedRuleLanguage()): RuleSet {
  return RuleSet.compile(SEED_RULES, language);
}
