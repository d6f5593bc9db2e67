import type { DsrType } from '../../ingestion/domain/event-vocabulary';
import type { RuleDefinition } from '../domain/rule';
import {
  BUSINESS_DAY_GRACE,
  DSR_DEADLINE_CONDITION,
  DSR_EXPLANATION,
  IS_CALIFORNIA,
  IS_SALE_OR_SHARE,
  UNKNOWN_US_STATE,
} from './common';

const SALE_TRIGGERS: RuleDefinition['triggers'] = ['data.shared', 'data.exported', 'ad.served'];

export const CCPA_PACK: RuleDefinition[] = [
  {
    id: 'CCPA-01',
    version: 1,
    framework: 'CCPA/CPRA',
    reference: 'Cal. Civ. Code §1798.120(a), §1798.135; 11 CCR §7026(f)',
    severity: 'high',
    title: 'Sale or sharing after an opt-out',
    description:
      'A California viewer opted out of the sale or sharing of their personal information, and it was ' +
      'sold or shared (or used for cross-context behavioural advertising) after the allowed 15 business days.',
    remediation:
      'Stop the sale/share for this viewer, tell the third parties that received it after the opt-out to ' +
      'stop selling it (11 CCR §7026(f)(2)), and fix the opt-out propagation.',
    triggers: SALE_TRIGGERS,
    condition:
      `${IS_CALIFORNIA} && viewer.optOutSaleAt > 0.0 && ${IS_SALE_OR_SHARE} && ` +
      'event.at > ref.addBusinessDays(viewer.optOutSaleAt, params.graceBusinessDays)',
    explanation:
      '"Viewer " + viewer.userId + " opted out of sale/sharing at " + iso(viewer.optOutSaleAt) + "; " + event.summary + ' +
      '" " + span(event.at - viewer.optOutSaleAt) + " later, beyond " + num(params.graceBusinessDays) + " business days."',
    parameters: {
      graceBusinessDays: BUSINESS_DAY_GRACE,
      unknownUsState: UNKNOWN_US_STATE,
    },
  },
  {
    id: 'CCPA-02',
    version: 1,
    framework: 'CCPA/CPRA',
    reference: 'Cal. Civ. Code §1798.135(b); 11 CCR §7025(b)-(c), §7026(a)(1)',
    severity: 'high',
    title: 'Global Privacy Control not honoured',
    description:
      'A browser or device of the viewer sent a Global Privacy Control signal, which is an opt-out of ' +
      'sale/sharing for that browser and, when known, the account; their data was still sold or shared ' +
      'after 15 business days.',
    remediation:
      'Treat Sec-GPC: 1 as an opt-out for the browser and the logged-in account; stop the sale/share.',
    triggers: SALE_TRIGGERS,
    condition:
      `${IS_CALIFORNIA} && viewer.gpcAt > 0.0 && ${IS_SALE_OR_SHARE} && ` +
      'event.at > ref.addBusinessDays(viewer.gpcAt, params.graceBusinessDays)',
    explanation:
      '"Viewer " + viewer.userId + " sent a Global Privacy Control signal at " + iso(viewer.gpcAt) + "; " + ' +
      'event.summary + " " + span(event.at - viewer.gpcAt) + " later."',
    parameters: {
      graceBusinessDays: BUSINESS_DAY_GRACE,
      unknownUsState: UNKNOWN_US_STATE,
    },
  },
  {
    id: 'CCPA-03',
    version: 1,
    framework: 'CCPA/CPRA',
    reference: 'Cal. Civ. Code §1798.130(a)(2)(A); 11 CCR §7021(a)-(b)',
    severity: 'high',
    title: 'Request to know, delete or correct answered late',
    description:
      'A California consumer’s request to know, delete or correct is still open after 45 calendar days, ' +
      'or after 90 when an extension was notified within the first 45.',
    remediation: 'Answer the request now; notify extensions with reasons within the first 45 days.',
    triggers: ['schedule.dsr_deadline'],
    condition: `request.jurisdiction in ["US-CA", "US"] && request.type in params.requestTypes && ${DSR_DEADLINE_CONDITION}`,
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: { type: 'string', default: 'CCPA', oneOf: ['CCPA'], description: 'Deadline calendar.' },
      requestTypes: {
        type: 'list',
        default: [
          'know',
          'delete',
          'correct',
          'access',
          'erasure',
          'rectification',
          'portability',
        ] satisfies DsrType[],
        description: 'Request types the 45-day deadline applies to.',
      },
    },
  },
  {
    id: 'CCPA-04',
    version: 1,
    framework: 'CCPA/CPRA',
    reference: 'Cal. Civ. Code §1798.120(c)-(d); 11 CCR §§7070-7071',
    severity: 'critical',
    title: 'Sale or sharing of a minor’s data without opt-in',
    description:
      'The personal information of a California viewer known to be under 16 was sold or shared without ' +
      'the required opt-in: the minor’s own (13-15) or a parent’s (under 13).',
    remediation:
      'Stop selling/sharing the data of viewers known to be under 16 unless the opt-in is recorded; purge ' +
      'it from the recipients.',
    triggers: SALE_TRIGGERS,
    condition:
      `${IS_CALIFORNIA} && viewer.ageKnown && viewer.age < 16.0 && ${IS_SALE_OR_SHARE} && ` +
      '!(viewer.age >= 13.0 && viewer.consent("sale_share").state == "granted" && viewer.consent("sale_share").grantedBy == "viewer") && ' +
      '!(viewer.age < 13.0 && "sale_share" in viewer.parentalScopes)',
    explanation:
      '"Viewer " + viewer.userId + " is known to be under 16 (at least " + num(viewer.age) + ", from " + viewer.ageSource + ' +
      '"); " + event.summary + " without " + (viewer.age < 13.0 ? "a parent’s" : "their own") + " opt-in to sale/sharing."',
    parameters: { unknownUsState: UNKNOWN_US_STATE },
  },
  {
    id: 'CCPA-05',
    version: 1,
    framework: 'CCPA/CPRA',
    reference: 'Cal. Civ. Code §1798.121, §1798.135(a)(2); 11 CCR §7027',
    severity: 'medium',
    title: 'Sensitive personal information used after a request to limit',
    description:
      'After the viewer asked to limit the use of their sensitive personal information, it was used or ' +
      'disclosed for a purpose outside those §1798.121(a) allows, beyond the grace period.',
    remediation: 'Restrict sensitive personal information to the permitted purposes for this viewer.',
    triggers: SALE_TRIGGERS,
    condition:
      `${IS_CALIFORNIA} && viewer.limitSpiAt > 0.0 && ` +
      '(ref.anyInSet("CCPA_SPI", data.segments) || ref.anyInSet("CCPA_SPI", data.categories)) && ' +
      '!(data.purpose in params.permittedPurposes) && ' +
      'event.at > ref.addBusinessDays(viewer.limitSpiAt, params.graceBusinessDays)',
    explanation:
      '"Viewer " + viewer.userId + " asked to limit use of sensitive personal information at " + iso(viewer.limitSpiAt) + ' +
      '"; " + event.summary + " " + span(event.at - viewer.limitSpiAt) + " later."',
    parameters: {
      graceBusinessDays: BUSINESS_DAY_GRACE,
      unknownUsState: UNKNOWN_US_STATE,
      permittedPurposes: {
        type: 'list',
        default: [
          'service_delivery',
          'security',
          'fraud_prevention',
          'legal_compliance',
          'quality_assurance',
        ],
        description: 'Purposes §1798.121(a) and 11 CCR §7027(m) still allow.',
      },
    },
  },
];
