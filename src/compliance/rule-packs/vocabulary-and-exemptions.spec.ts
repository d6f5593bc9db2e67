import { EVENT_EXAMPLES } from '../../ingestion/dto/event-examples';
import { PARENTAL_CONSENT_METHODS, STAFF_ACCESS_PURPOSES } from '../../ingestion/domain/event-vocabulary';
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import type { ComplianceEvent } from '../domain/compliance-event';
import { runScheduledChecks } from '../domain/scheduled-checks';
import { normaliseEvent } from '../../ingestion/domain/event-normaliser';
import type { IngestedEvent } from '../../ingestion/domain/event-payloads';
import { EVENT_TYPES } from '../../ingestion/domain/event-types';
import { timeline } from '../../../tools/testing/compliance/event-factory';
import { SEED_RULES, seedRuleSet } from './index';

const evaluator = new ComplianceEvaluator(seedRuleSet());
const T0 = '2026-05-04T10:00:00Z';

const findingsOf = (events: ReturnType<typeof timeline>) =>
  evaluator
    .evaluateBatch(events.events, { viewers: new Map(), actors: new Map() })
    .findings.map((f) => f.ruleId);

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

describe('the contract examples are compliant behaviour', () => {
  it('each example, for a viewer of its own, raises no finding, neither at once nor an hour later', () => {
    const rules = seedRuleSet();
    for (const type of EVENT_TYPES) {
      const example = EVENT_EXAMPLES[type] as IngestedEvent;
      if (example.userId === undefined) continue; // breach and error events concern no viewer
      const n = normaliseEvent(example, new Date(example.occurredAt));
      const event: ComplianceEvent = {
        eventId: n.eventId,
        type: n.type,
        occurredAt: n.occurredAt,
        userId: `u-${type}`,
        actorType: n.actorType,
        actorId: n.actorId,
        country: n.country,
        subdivision: n.subdivision,
        ipPrefix: n.ipPrefix,
        deviceId: n.deviceId,
        sessionId: n.sessionId,
        gpc: n.gpc,
        data: n.data as Record<string, unknown>,
      };
      const evaluation = new ComplianceEvaluator(rules).evaluateBatch([event], {
        viewers: new Map(),
        actors: new Map(),
      });
      const later = runScheduledChecks(
        [...evaluation.viewers.values()],
        new Date(n.occurredAt.getTime() + 3_600_000),
        rules,
      );
      const findings = [...evaluation.findings, ...later.findings, ...evaluation.errors, ...later.errors];
      expect([type, findings]).toEqual([type, []]);
    }
  });
});

describe('parental-consent methods follow COPPA 16 CFR 312.5(b)(2) as amended in 2025', () => {
  // Each verifiable-parental-consent method 312.5(b)(2) lists (the 2025 amendment added video conference,
  // ID against a database, knowledge-based authentication, face match and text plus), with the contract's token.
  const RULE_METHODS: Array<[string, string]> = [
    ['signed consent form returned by post, fax or electronic scan', 'signed_form'],
    ['credit or debit card or online payment notifying the account holder', 'payment_card'],
    ['toll-free telephone number staffed by trained personnel', 'phone_call'],
    ['video conference with trained personnel', 'video_call'],
    ['government-issued ID checked against a database, then deleted', 'id_document'],
    ['knowledge-based authentication with dynamic multiple-choice questions', 'knowledge_questions'],
    ['photo ID matched to the parent’s face by facial recognition and trained personnel', 'face_match'],
    ['text message plus a confirming step, where nothing is disclosed', 'text_plus'],
    ['e-mail plus a confirming step, where nothing is disclosed', 'email_plus'],
  ];

  it.each(RULE_METHODS)('%s is accepted as %s', (_method, token) => {
    expect(PARENTAL_CONSENT_METHODS).toContain(token);
  });

  it('accepts nothing else but `other`', () => {
    expect([...PARENTAL_CONSENT_METHODS].sort()).toEqual([...RULE_METHODS.map(([, t]) => t), 'other'].sort());
  });
});
