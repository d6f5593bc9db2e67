import type { DsrType } from '../../ingestion/domain/event-vocabulary';
import type { RuleDefinition } from '../domain/rule';
import { DSR_DEADLINE_CONDITION, DSR_EXPLANATION, IS_EEA } from './common';

export const EPRIVACY_UK_PACK: RuleDefinition[] = [
  {
    id: 'EPR-01',
    version: 1,
    framework: 'ePrivacy',
    reference: 'ePrivacy Directive 2002/58/EC Art. 5(3)',
    severity: 'high',
    title: 'Tracker accessed the device before consent',
    description:
      'A tracker stored or read information on an EEA viewer’s device (cookie, local storage, device id) ' +
      'for a purpose that is not strictly necessary, without consent at that moment — including hits ' +
      'fired before the viewer answered the consent banner.',
    remediation:
      'Block the tag until the consent-management platform reports consent for its purpose; check the tag ' +
      'manager’s firing triggers.',
    triggers: ['tracking.fired'],
    condition: `${IS_EEA} && data.deviceAccess && !data.strictlyNecessary && consent.state != "granted"`,
    explanation:
      '"Tracker \\"" + data.vendor + "\\" accessed the device of viewer " + viewer.userId + " (" + viewer.country + ") for " + ' +
      'data.purpose + " at " + iso(event.at) + " while consent for " + data.purpose + " was " + consent.state + "."',
  },
  {
    id: 'UKPECR-01',
    version: 1,
    framework: 'PECR',
    reference: 'PECR reg. 6, as amended by the Data (Use and Access) Act 2025 s.112 and Sch. A1',
    severity: 'medium',
    title: 'Storage or access on a UK viewer’s device without consent',
    description:
      'A tracker accessed a UK viewer’s device without consent, for a purpose outside the exemptions ' +
      '(strictly necessary, communication, appearance; from 5 Feb 2026 also statistical analytics with ' +
      'clear information and a way to object, as long as the viewer has not objected).',
    remediation:
      'Ask for consent before firing the tag, or limit it to an exempt purpose and offer the objection.',
    triggers: ['tracking.fired'],
    condition:
      'viewer.country == "GB" && data.deviceAccess && !data.strictlyNecessary && consent.state != "granted" && ' +
      '!(data.purpose in params.exemptPurposes) && ' +
      '!(event.at >= date(params.statisticalExemptionFrom) && data.purpose in params.statisticalPurposes && ' +
      'consent.state != "withdrawn")',
    explanation:
      '"Tracker \\"" + data.vendor + "\\" accessed the device of UK viewer " + viewer.userId + " for " + data.purpose + ' +
      '(consent.state == "withdrawn" ? " after the viewer objected at " + iso(consent.at) : " without consent") + "."',
    parameters: {
      exemptPurposes: {
        type: 'list',
        default: ['strictly_necessary', 'communication', 'appearance', 'security'],
        description: 'Purposes exempt from consent under PECR reg. 6(4) and Sch. A1.',
      },
      statisticalPurposes: {
        type: 'list',
        default: ['analytics_statistical', 'analytics'],
        description:
          'Purposes treated as the statistical-analytics exemption (information given, objection offered).',
      },
      statisticalExemptionFrom: {
        type: 'string',
        default: '2026-02-05',
        description: 'Date the DUAA 2025 exemptions came into force.',
      },
    },
  },
  {
    id: 'UKGDPR-01',
    version: 1,
    framework: 'UK GDPR',
    reference: 'UK GDPR Art. 12(3) and Art. 12A (Data (Use and Access) Act 2025)',
    severity: 'high',
    title: 'UK data-subject request answered late',
    description:
      'A request from a UK viewer is still open after one calendar month (three with a timely extension), ' +
      'not counting time the clock was stopped while waiting for identity verification, clarification or a fee.',
    remediation: 'Answer the request now; record pauses and resumptions so the stopped clock is evidenced.',
    triggers: ['schedule.dsr_deadline'],
    condition: `request.jurisdiction in ["GB", "UK"] && request.type in params.requestTypes && ${DSR_DEADLINE_CONDITION}`,
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: { type: 'string', default: 'UK_GDPR', oneOf: ['UK_GDPR'], description: 'Deadline calendar.' },
      requestTypes: {
        type: 'list',
        default: ['access', 'erasure', 'portability', 'rectification', 'objection'] satisfies DsrType[],
        description: 'Request types the UK GDPR deadline applies to.',
      },
    },
  },
];
