/**
 * The US state privacy pack: five rule templates applied to each row of US_STATE_LAWS. Rule ids are
 * US-<state>-<nn>, one number per obligation in every state:
 *   01 targeted advertising or sale after the viewer opted out
 *   02 sensitive data processed without consent (or after an opt-out, or beyond what is strictly necessary)
 *   03 targeted advertising or sale for a known minor without consent, or at all where forbidden
 *   04 a universal opt-out signal (Global Privacy Control) not honoured — only where the state requires it
 *   05 a consumer request answered late (scheduler)
 * A rule selects its viewers by ISO 3166-2 subdivision only: a US viewer whose state is unknown is under
 * none of these laws (the CCPA rules have their own `unknownUsState` parameter; see common.ts).
 */
import type { RuleDefinition, RuleParameter } from '../domain/rule';
import { DSR_DEADLINE_CONDITION, DSR_EXPLANATION } from './common';
import { cite, US_STATE_LAWS, type StatePrivacyLaw } from './us-states.table';

const PROCESSING_TRIGGERS: RuleDefinition['triggers'] = [
  'ad.served',
  'tracking.fired',
  'data.shared',
  'data.exported',
];

/**
 * Targeted advertising in the state laws' sense: ads chosen from activity across other companies' sites and
 * apps (cross-context), and trackers or disclosures whose purpose is ad targeting. First-party profiled ads
 * are outside the definition in every state of the table.
 */
export const IS_TARGETED_ADVERTISING =
  '((event.type == "ad.served" && data.targeting == "cross_context") || ' +
  '(event.type != "ad.served" && data.purpose == "ads_targeting"))';

/** A sale: personal data disclosed to a third party for consideration (the payload's saleOrShare flag). */
export const IS_SALE = '(event.type in ["data.shared", "data.exported"] && data.saleOrShare)';

/** The event uses sensitive data of the viewer: a sensitive ad segment or data category. */
const USES_SENSITIVE_DATA =
  '(event.type != "ad.served" || data.targeting != "contextual") && ' +
  '(data.segments.exists(s, s in params.sensitiveCategories) || data.categories.exists(c, c in params.sensitiveCategories))';

function inState(law: StatePrivacyLaw): string {
  return `viewer.subdivision == "${law.subdivision}"`;
}

const inForce = (param: string) => `event.at >= date(params.${param})`;

function dateParameter(value: string, description: string): RuleParameter {
  return { type: 'string', default: value, description };
}

const GRACE_DAYS: RuleParameter = {
  type: 'number',
  default: 15,
  min: 0,
  max: 45,
  description:
    'Days allowed to act on an opt-out before processing counts as ignoring it. The statutes allow at most ' +
    'the 45-day response period; 15 matches the CCPA regulations (set 45 for the statutory maximum).',
};

/** State-law "sensitive data": racial or ethnic origin, religion, health, sex life or orientation, citizenship,
 * genetic and biometric data, precise geolocation (and, in some states, more: see docs/rules.md). */
const SENSITIVE_CATEGORIES: RuleParameter = {
  type: 'list',
  default: [
    'racial_origin',
    'ethnicity',
    'ethnic_origin',
    'religion',
    'religious_content',
    'health',
    'health_conditions',
    'mental_health',
    'pregnancy',
    'sex_life',
    'sexual_orientation',
    'lgbtq',
    'lgbtq+ viewers',
    'transgender_status',
    'citizenship',
    'immigration_status',
    'genetic',
    'biometric',
    'precise_geo',
    'precise_geolocation',
  ],
  description: 'Ad segments and data categories that are sensitive data under the state laws.',
};

function optOutRule(law: StatePrivacyLaw): RuleDefinition {
  const adsOptOut = 'viewer.consent("ads_targeting")';
  return {
    id: `${law.subdivision}-01`,
    version: 1,
    framework: 'US state privacy',
    reference: `${law.short}: ${cite(law.optOut)}`,
    severity: 'high',
    title: `${law.state}: targeted advertising or sale after an opt-out`,
    description:
      `A ${law.state} viewer opted out of targeted advertising (withdrew consent for ads_targeting) or of the ` +
      'sale of their personal data (an opt-out request, or withdrawing sale_share, which also covers ' +
      `cross-context ads), and it was still used for targeted advertising or sold after the grace period (${law.law}).`,
    remediation:
      'Stop targeted advertising and sales for this viewer, tell the recipients of data sold after the ' +
      'opt-out, and fix how opt-outs reach the ad and data-sharing systems.',
    triggers: PROCESSING_TRIGGERS,
    condition:
      `${inState(law)} && ${inForce('inForceFrom')} && (` +
      `((${IS_TARGETED_ADVERTISING} || ${IS_SALE}) && viewer.optOutSaleAt > 0.0 && event.at > viewer.optOutSaleAt + days(params.graceDays)) || ` +
      `(${IS_TARGETED_ADVERTISING} && ${adsOptOut}.state == "withdrawn" && event.at > ${adsOptOut}.at + days(params.graceDays)))`,
    explanation:
      `"Viewer " + viewer.userId + " (${law.subdivision}) opted out at " + ` +
      `iso(viewer.optOutSaleAt > 0.0 ? viewer.optOutSaleAt : ${adsOptOut}.at) + "; " + event.summary + ` +
      `" " + span(event.at - (viewer.optOutSaleAt > 0.0 ? viewer.optOutSaleAt : ${adsOptOut}.at)) + " later."`,
    parameters: {
      graceDays: GRACE_DAYS,
      inForceFrom: dateParameter(law.inForceFrom, `When the ${law.short} took effect.`),
    },
  };
}

function sensitiveRule(law: StatePrivacyLaw): RuleDefinition {
  const purposeConsent = 'viewer.consent(data.purpose)';
  const base = {
    id: `${law.subdivision}-02`,
    version: 1,
    framework: 'US state privacy' as const,
    reference: `${law.short}: ${cite(law.sensitive.citation)}`,
    triggers: PROCESSING_TRIGGERS,
  };
  const common = `${inState(law)} && ${inForce('inForceFrom')} && ${USES_SENSITIVE_DATA}`;
  const params = {
    sensitiveCategories: SENSITIVE_CATEGORIES,
    inForceFrom: dateParameter(law.inForceFrom, `When the ${law.short} took effect.`),
  };
  // The statutes' exemptions: providing the service the consumer asked for, security, fraud, legal duties.
  const exempt = '!(data.purpose in params.exemptPurposes)';
  const exemptPurposes: RuleParameter = {
    type: 'list',
    default: ['service_delivery', 'security', 'fraud_prevention', 'legal_compliance'],
    description:
      'Purposes the law exempts (the service the viewer asked for, security, fraud, legal duties).',
  };
  switch (law.sensitive.regime) {
    case 'consent':
      return {
        ...base,
        severity: 'high',
        title: `${law.state}: sensitive data processed without consent`,
        description:
          `Sensitive data of a ${law.state} viewer (a sensitive ad segment or data category) was processed ` +
          'without their consent for that purpose: a consent.granted for the purpose with explicit: true.',
        remediation:
          'Ask for the viewer’s specific consent before using sensitive data for this purpose, or stop using it.',
        condition: `${common} && ${exempt} && !(${purposeConsent}.state == "granted" && ${purposeConsent}.explicit)`,
        explanation:
          `"Viewer " + viewer.userId + " (${law.subdivision}) never consented to sensitive data being used for " + ` +
          `(data.purpose == "" ? "an unstated purpose" : data.purpose) + "; " + event.summary + "."`,
        parameters: { ...params, exemptPurposes },
      };
    case 'opt_out':
      return {
        ...base,
        severity: 'high',
        title: `${law.state}: sensitive data processed after the viewer opted out`,
        description:
          `${law.state} allows sensitive data to be processed after notice and a chance to opt out; this viewer ` +
          'had opted out of the purpose (consent.withdrawn) and their sensitive data was still used for it.',
        remediation: 'Honour the opt-out: stop processing this viewer’s sensitive data for the purpose.',
        condition: `${common} && ${exempt} && ${purposeConsent}.state == "withdrawn"`,
        explanation:
          `"Viewer " + viewer.userId + " (${law.subdivision}) opted out of " + data.purpose + " at " + ` +
          `iso(${purposeConsent}.at) + "; " + event.summary + " afterwards."`,
        parameters: { ...params, exemptPurposes },
      };
    case 'strictly_necessary':
      return {
        ...base,
        severity: 'critical',
        title: `${law.state}: sensitive data sold or used beyond what is strictly necessary`,
        description:
          `${law.state} forbids selling sensitive data and allows processing it only where strictly necessary ` +
          'for the service the viewer asked for; consent does not change that. Sensitive data was sold or used ' +
          'for advertising, marketing or sharing.',
        remediation: 'Stop selling sensitive data and stop using it for advertising, marketing or sharing.',
        condition: `${common} && (${IS_SALE} || data.purpose in params.notStrictlyNecessaryPurposes)`,
        explanation:
          `"Sensitive data of viewer " + viewer.userId + " (${law.subdivision}) was used: " + event.summary + ` +
          `" (purpose " + (data.purpose == "" ? "unstated" : data.purpose) + ")."`,
        parameters: {
          ...params,
          notStrictlyNecessaryPurposes: {
            type: 'list',
            default: ['ads_targeting', 'marketing', 'sale_share', 'third_party_sharing'],
            description: 'Purposes never strictly necessary to provide the service the viewer asked for.',
          },
        },
      };
  }
}

function teenRule(law: StatePrivacyLaw): RuleDefinition | null {
  const teen = law.teen;
  if (!teen) return null;
  const processing = `(${IS_TARGETED_ADVERTISING} || ${IS_SALE})`;
  const withoutConsent =
    `((${IS_TARGETED_ADVERTISING} && viewer.consent("ads_targeting").state != "granted") || ` +
    `(${IS_SALE} && viewer.consent("sale_share").state != "granted"))`;
  const prohibitedNow = 'event.at >= date(params.minorProhibitionFrom)';
  const branches: string[] = [];
  const parameters: Record<string, RuleParameter> = {
    underAge: {
      type: 'number',
      default: teen.underAge,
      min: 13,
      max: 18,
      description: 'Exclusive upper bound of the protected ages.',
    },
  };
  if (teen.consentFrom) {
    branches.push(`(event.at >= date(params.minorConsentFrom) && viewer.age >= 13.0 && ${withoutConsent})`);
    parameters.minorConsentFrom = dateParameter(
      teen.consentFrom,
      'From when a known minor’s consent is required.',
    );
  }
  if (teen.prohibitedFrom) {
    branches.push(`(${prohibitedNow} && ${processing})`);
    parameters.minorProhibitionFrom = dateParameter(
      teen.prohibitedFrom,
      'From when targeted advertising and sale are forbidden for known minors, whatever the consent.',
    );
  }
  const ages = `${13} to ${teen.underAge - 1}`;
  const rules: string[] = [];
  if (teen.consentFrom) rules.push(`from ${teen.consentFrom} the consent of a consumer known to be ${ages}`);
  if (teen.prohibitedFrom)
    rules.push(`from ${teen.prohibitedFrom} neither at all for one known to be under ${teen.underAge}`);
  return {
    id: `${law.subdivision}-03`,
    version: 1,
    framework: 'US state privacy',
    reference: `${law.short}: ${cite(teen.citation)}`,
    severity: 'critical',
    title: `${law.state}: targeted advertising or sale of a known minor’s data`,
    description:
      `${law.state} requires, for targeted advertising to a minor or the sale of their data, ${rules.join('; and ')} ` +
      '(under 13: COPPA, see the COPPA rules).',
    remediation: teen.prohibitedFrom
      ? 'Exclude viewers known to be minors from targeted advertising and sales; tell recipients of sold data.'
      : 'Ask the minor for consent before targeted advertising or a sale, or stop both for this viewer.',
    triggers: PROCESSING_TRIGGERS,
    condition:
      `${inState(law)} && viewer.ageKnown && viewer.age < params.underAge && ` +
      (branches.length === 1 ? branches[0] : `(${branches.join(' || ')})`),
    explanation:
      `"Viewer " + viewer.userId + " (${law.subdivision}) is known to be under " + num(params.underAge) + ` +
      `" (at least " + num(viewer.age) + ", from " + viewer.ageSource + "); " + event.summary + ` +
      (teen.prohibitedFrom
        ? teen.consentFrom
          ? `(${prohibitedNow} ? ", which the law forbids." : " without their consent.")`
          : '", which the law forbids."'
        : '" without their consent."'),
    parameters,
  };
}

function universalOptOutRule(law: StatePrivacyLaw): RuleDefinition | null {
  const duty = law.universalOptOut;
  if (!duty) return null;
  return {
    id: `${law.subdivision}-04`,
    version: 1,
    framework: 'US state privacy',
    reference: `${law.short}: ${cite(duty.citation)}`,
    severity: 'high',
    title: `${law.state}: universal opt-out signal (GPC) not honoured`,
    description:
      `${law.state} requires honouring a universal opt-out mechanism such as Global Privacy Control as an ` +
      'opt-out of targeted advertising and sale. A browser, device or the account sent Sec-GPC: 1 and the ' +
      'viewer’s data was still used for targeted advertising or sold after the grace period.',
    remediation:
      'Treat Sec-GPC: 1 as an opt-out of targeted advertising and sale for the browser and the logged-in ' +
      'account; stop both for this viewer.',
    triggers: PROCESSING_TRIGGERS,
    condition:
      `${inState(law)} && (${IS_TARGETED_ADVERTISING} || ${IS_SALE}) && viewer.gpcAt > 0.0 && ` +
      'event.at > viewer.gpcAt + days(params.graceDays) && ' +
      'event.at > date(params.signalDutyFrom) + days(params.graceDays)',
    explanation:
      `"Viewer " + viewer.userId + " (${law.subdivision}) sent a Global Privacy Control signal at " + iso(viewer.gpcAt) + ` +
      `"; " + event.summary + " " + span(event.at - viewer.gpcAt) + " later."`,
    parameters: {
      graceDays: GRACE_DAYS,
      signalDutyFrom: dateParameter(
        duty.from,
        'When controllers had to start honouring universal opt-out signals.',
      ),
    },
  };
}

function requestDeadlineRule(law: StatePrivacyLaw): RuleDefinition {
  const { days, extensionDays } = law.requests;
  const calendar =
    days === 45 && extensionDays === 45 ? 'CCPA' : days === 90 && extensionDays === 45 ? 'ICDPA' : null;
  if (!calendar)
    throw new Error(`${law.subdivision}: no deadline calendar for ${days}+${extensionDays} days`);
  return {
    id: `${law.subdivision}-05`,
    version: 1,
    framework: 'US state privacy',
    reference: `${law.short}: ${cite(law.requests.citation)}`,
    severity: 'high',
    title: `${law.state}: consumer request answered late`,
    description:
      `A ${law.state} consumer’s request (access, deletion, correction, portability) is still open after ` +
      `${days} days, or after ${days + extensionDays} when an extension was notified within the first ${days}. ` +
      `Requests filed under "${law.subdivision}", or under "US" by a viewer known to live in ${law.state}.`,
    remediation: `Answer the request now; notify extensions with reasons within the first ${days} days.`,
    triggers: ['schedule.dsr_deadline'],
    condition:
      `(request.jurisdiction == "${law.subdivision}" || (request.jurisdiction == "US" && ${inState(law)})) && ` +
      `request.type in params.requestTypes && ${DSR_DEADLINE_CONDITION}`,
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: {
        type: 'string',
        default: calendar,
        oneOf: [calendar],
        description: `Deadline calendar (${days} days, +${extensionDays} with a timely extension).`,
      },
      requestTypes: {
        type: 'list',
        default: ['access', 'know', 'delete', 'erasure', 'correct', 'rectification', 'portability'],
        description: 'Request types the deadline applies to.',
      },
    },
  };
}

export function stateRules(law: StatePrivacyLaw): RuleDefinition[] {
  return [
    optOutRule(law),
    sensitiveRule(law),
    teenRule(law),
    universalOptOutRule(law),
    requestDeadlineRule(law),
  ].filter((r): r is RuleDefinition => r !== null);
}

export const US_STATE_PACK: RuleDefinition[] = US_STATE_LAWS.flatMap(stateRules);
