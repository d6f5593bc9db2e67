import { EVENT_EXAMPLES } from '../../ingestion/dto/event-examples';
import { STAFF_ACCESS_PURPOSES } from '../../ingestion/domain/event-vocabulary';
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import { timeline } from '../../../tools/testing/compliance/event-factory';
import { SEED_RULES, seedRuleSet } from './index';

const evaluator = new ComplianceEvaluator(seedRuleSet());
const T0 = '2026-05-04T10:00:00Z';

const findingsOf = (events: ReturnType<typeof timeline>) =>
  evaluator.evaluateBatch(events.events, { viewers: new Map(), actors: new Map() }).findings.map((f) => f.ruleId);

describe('VPPA-01: disclosure to the viewer themself', () => {
  const exportTo = (recipientType: string, recipient: string) =>
    timeline(T0, { userId: 'u-1', country: 'US' })
      .add('account.created', { birthYear: 1985, country: 'US' })
      .add('playback.started', { contentId: 't-123', title: 'A Film', rating: 'R' })
      .add(
        'data.exported',
        {
          recipient,
          recipientType,
          recipientCountry: 'US',
          categories: ['viewing_history'],
          includesViewingHistory: true,
          saleOrShare: false,
          safeguard: 'none',
        },
        { actorType: 'service', actorId: 'export-service' },
      );

  it('does not fire when the recipient is the viewer (18 U.S.C. §2710(b)(2)(A))', () => {
    expect(findingsOf(exportTo('data_subject', 'u-1'))).not.toContain('VPPA-01');
  });

  it('still fires for the same export to a third party', () => {
    expect(findingsOf(exportTo('third_party', 'data-broker'))).toContain('VPPA-01');
  });
});

describe('staff access purposes: one vocabulary for the contract and GDPR-09A', () => {
  it("GDPR-09A allows exactly the contract's staff purposes, and the data.accessed example uses one", () => {
    const rule = SEED_RULES.find((r) => r.id === 'GDPR-09A')!;
    expect(rule.parameters?.staffPurposes?.default).toEqual([...STAFF_ACCESS_PURPOSES]);
    expect(STAFF_ACCESS_PURPOSES).toContain(EVENT_EXAMPLES['data.accessed'].data.purpose);
  });

  it('a staff access for support with a ticket raises no GDPR-09A finding; an unlisted purpose does', () => {
    const access = (purpose: string) =>
      timeline(T0, { userId: 'u-1', country: 'IE' })
        .add('account.created', { birthYear: 1985, country: 'IE' })
        .add(
          'data.accessed',
          { categories: ['viewing_history', 'contact'], purpose, ticketId: 'T-88123', recordCount: 1 },
          { actorType: 'staff', actorId: 's-42' },
        );
    expect(findingsOf(access(EVENT_EXAMPLES['data.accessed'].data.purpose))).not.toContain('GDPR-09A');
    expect(findingsOf(access('customer_support'))).toContain('GDPR-09A');
  });
});
