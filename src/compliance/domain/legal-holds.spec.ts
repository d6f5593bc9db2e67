import { seedRuleLanguage } from '../rule-packs';
import { HoldIndex, holdActiveAt, holdStatus, LegalHold } from './legal-holds';
import { findRetentionBreaches, type RetentionAnchor } from './retention';
import type { RuleDefinition } from './rule';
import { RuleSet } from './rule-set';

const T = Date.UTC(2026, 0, 10);
const DAY = 86_400_000;

function hold(over: Partial<LegalHold>): LegalHold {
  return {
    id: 'h',
    userId: 'v-1',
    recordType: null,
    recordId: null,
    reason: 'litigation',
    createdAt: T,
    endsAt: null,
    releasedAt: null,
    ...over,
  };
}

describe('legal holds', () => {
  it('are active from creation until released or their end date, whichever comes first', () => {
    const h = hold({ endsAt: T + 10 * DAY });
    expect(holdActiveAt(h, T - 1)).toBe(false);
    expect(holdActiveAt(h, T)).toBe(true);
    expect(holdActiveAt(h, T + 10 * DAY - 1)).toBe(true);
    expect(holdActiveAt(h, T + 10 * DAY)).toBe(false);
    expect(holdStatus(h, T + 10 * DAY)).toBe('ended');
    const released = hold({ releasedAt: T + DAY });
    expect(holdActiveAt(released, T + DAY)).toBe(false);
    expect(holdStatus(released, T + DAY)).toBe('released');
    expect(holdStatus(released, T)).toBe('active');
  });

  it('keep all of a held viewer\'s categories and suspend their erasure requests', () => {
    const index = new HoldIndex([hold({})], T + DAY);
    expect(index.keepsCategory('v-1', 'viewing_history')).toBe(true);
    expect(index.suspendsErasure('v-1', 'req-1')).toBe(true);
    expect(index.keepsCategory('v-2', 'viewing_history')).toBe(false);
  });

  it('keep only the held record when a record is named', () => {
    const index = new HoldIndex(
      [
        hold({ recordType: 'data_category', recordId: 'billing' }),
        hold({ userId: 'v-2', recordType: 'dsr_request', recordId: 'req-9' }),
      ],
      T + DAY,
    );
    expect(index.keepsCategory('v-1', 'billing')).toBe(true);
    expect(index.keepsCategory('v-1', 'viewing_history')).toBe(false);
    expect(index.suspendsErasure('v-1', 'req-1')).toBe(false);
    expect(index.suspendsErasure('v-2', 'req-9')).toBe(true);
    expect(index.suspendsErasure('v-2', 'req-8')).toBe(false);
    expect(index.keepsCategory('v-2', 'req-9')).toBe(false);
  });

  it('ignore holds that are not active at the instant asked', () => {
    const index = new HoldIndex([hold({ releasedAt: T + DAY }), hold({ userId: 'v-3', createdAt: T + 5 * DAY })], T + 2 * DAY);
    expect(index.size).toBe(0);
    expect(index.keepsCategory('v-1', 'account')).toBe(false);
  });
});

describe('retention under a legal hold', () => {
  // A retention rule that forgets to test item.legalHold: the hold must still win.
  const careless: RuleDefinition = {
    id: 'TEST-RET',
    version: 1,
    framework: 'GDPR',
    reference: 'test',
    severity: 'medium',
    title: 'Kept too long',
    description: 'test',
    remediation: 'test',
    triggers: ['schedule.retention'],
    condition: 'item.held && now > item.anchorAt + days(1.0)',
  };
  const rules = RuleSet.compile([careless], seedRuleLanguage());
  const anchor = (legalHold: boolean): RetentionAnchor => ({
    userId: 'v-1',
    category: 'viewing_history',
    anchor: 'account_closed',
    anchorAt: T,
    lastCollectedAt: T,
    held: true,
    legalHold,
    eventId: null,
  });

  it('raises no deletion-overdue finding for held data, whatever the rule says', () => {
    expect(findRetentionBreaches([anchor(false)], new Date(T + 10 * DAY), rules)).toHaveLength(1);
    expect(findRetentionBreaches([anchor(true)], new Date(T + 10 * DAY), rules)).toEqual([]);
  });
});
