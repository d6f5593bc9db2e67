import type { RuleDefinition } from '../domain/rule';
import { PROCESSES_PERSONAL_DATA } from './common';

const US_CHILD =
  'viewer.country == "US" && ((viewer.ageKnown && viewer.age < 13.0) || params.childDirectedService)';

const VALID_VPPA_CONSENT =
  '(viewer.consent("viewing_history_disclosure").state == "granted" && ' +
  'viewer.consent("viewing_history_disclosure").separateForm && ' +
  'event.at - viewer.consent("viewing_history_disclosure").grantedAt <= days(params.consentValidDays))';

const IDENTIFIES_VIEWER_AND_VIDEO =
  '((event.type != "tracking.fired" && data.includesViewingHistory) || ' +
  '(event.type == "tracking.fired" && data.paramKeys.exists(k, k in params.videoParamKeys) && ' +
  'data.paramKeys.exists(k, k in params.personParamKeys)))';

const CHILD_DIRECTED: RuleDefinition['parameters'] = {
  childDirectedService: {
    type: 'boolean',
    default: false,
    description: 'The service (or this profile type) is directed to children: COPPA applies to every viewer.',
  },
};

export const COPPA_VPPA_PACK: RuleDefinition[] = [
  {
    id: 'COPPA-01',
    version: 1,
    framework: 'COPPA',
    reference: '16 CFR §312.5(a)(1); §312.2 (persistent identifiers); exceptions §312.5(c)',
    severity: 'critical',
    title: 'Child’s data collected without verifiable parental consent',
    description:
      'Personal information of a US child under 13 (including a persistent identifier used beyond ' +
      'support for internal operations) was collected, used or disclosed without verifiable parental consent.',
    remediation:
      'Stop the collection for this child, delete what was collected, and obtain verifiable parental ' +
      'consent (§312.5(b)) before any further use.',
    triggers: [
      'tracking.fired',
      'playback.started',
      'data.accessed',
      'data.shared',
      'data.exported',
      'consent.granted',
      'ad.served',
    ],
    condition:
      `${US_CHILD} && !viewer.parentalVerified && !(data.purpose in params.internalOperationsPurposes) && ` +
      PROCESSES_PERSONAL_DATA,
    explanation:
      '"Viewer " + viewer.userId + " is a US child (at least " + num(viewer.age) + ", from " + viewer.ageSource + ' +
      '") with no verified parental consent; " + event.summary + "."',
    parameters: {
      ...CHILD_DIRECTED,
      internalOperationsPurposes: {
        type: 'list',
        default: [
          'support_for_internal_operations',
          'security',
          'fraud_prevention',
          'legal_compliance',
          'support',
        ],
        description:
          'Purposes within "support for the internal operations" (§312.2) and §312.5(c) exceptions.',
      },
    },
  },
  {
    id: 'COPPA-02',
    version: 1,
    framework: 'COPPA',
    reference: '16 CFR §312.5(a)(2) as amended 22 Apr 2025 (compliance date 22 Apr 2026)',
    severity: 'critical',
    title: 'Disclosure of a child’s data to third parties without separate consent',
    description:
      'A child’s personal information went to a third party (including an ad network for targeted ads) ' +
      'when the parent consented to collection only, not separately to third-party disclosure.',
    remediation:
      'Stop the disclosure and obtain separate verifiable parental consent for third-party disclosure, ' +
      'unless the disclosure is integral to the service.',
    triggers: ['data.shared', 'data.exported', 'ad.served'],
    condition:
      `${US_CHILD} && viewer.parentalVerified && !("third_party_disclosure" in viewer.parentalScopes) && ` +
      'event.at >= date(params.complianceDate) && ' +
      '((event.type == "ad.served" && data.targeting != "contextual") || data.recipientType == "third_party") && ' +
      '!(data.recipient in params.integralRecipients)',
    explanation:
      '"Viewer " + viewer.userId + "\'s parent consented to " + list(viewer.parentalScopes) + " only; " + event.summary + "."',
    parameters: {
      ...CHILD_DIRECTED,
      complianceDate: {
        type: 'string',
        default: '2026-04-22',
        description: 'Compliance date of the 2025 amendments.',
      },
      integralRecipients: {
        type: 'list',
        default: [],
        description: 'Third parties whose disclosure is integral to the service (§312.5(a)(2) exception).',
      },
    },
  },
  {
    id: 'COPPA-03',
    version: 1,
    framework: 'COPPA',
    reference: '16 CFR §312.10 (as amended 2025: written retention policy)',
    severity: 'medium',
    title: 'Child’s data kept beyond the retention policy',
    description:
      'A category of a US child’s data is kept longer after the account went inactive or closed than ' +
      'the written retention policy allows.',
    remediation: 'Delete the data, and check the retention job against the published policy.',
    triggers: ['schedule.retention'],
    condition:
      'viewer.country == "US" && viewer.ageKnown && viewer.age < 13.0 && item.held && !item.legalHold && ' +
      'item.category in params.policyDays && now > item.anchorAt + days(params.policyDays[item.category])',
    explanation:
      '"Child viewer " + viewer.userId + "\'s " + item.category + " is still held " + span(now - item.anchorAt) + ' +
      '" after " + (item.anchor == "account_closed" ? "the account closed" : "their last activity") + ' +
      '" (policy " + num(params.policyDays[item.category]) + " days)."',
    parameters: {
      policyDays: {
        type: 'map',
        default: { viewing_history: 365, account: 365, device_identifiers: 365, age_verification: 30 },
        description: 'Retention policy per category, in days after last activity or closure.',
      },
    },
  },
  {
    id: 'VPPA-01',
    version: 1,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(b)(1), (b)(2)(A), (b)(2)(B)(i)-(iii); PII = §2710(a)(3)',
    severity: 'critical',
    title: 'Viewing history disclosed without VPPA consent',
    description:
      'Information identifying a US viewer together with the specific videos they watched was disclosed ' +
      '(a data share, or a pixel carrying a content id and a person id) without a valid VPPA consent: ' +
      'separate, given within the last two years and not withdrawn. Disclosure to the viewer themself ' +
      '(recipientType data_subject) is allowed by §2710(b)(2)(A).',
    remediation:
      'Stop sending title/content ids with person identifiers to the recipient; obtain VPPA consent on a ' +
      'separate form, renewed every two years.',
    triggers: ['data.shared', 'data.exported', 'tracking.fired'],
    condition:
      `viewer.country == "US" && ${IDENTIFIES_VIEWER_AND_VIDEO} && data.recipientType != "data_subject" && ` +
      '!(data.recipient in params.ordinaryCourseRecipients) && !(data.vendor in params.ordinaryCourseRecipients) && ' +
      `!${VALID_VPPA_CONSENT}`,
    explanation:
      '"Viewer " + viewer.userId + "\'s viewing history went to " + (data.recipient != "" ? data.recipient : data.vendor) + ' +
      '" (" + event.type + ") and the viewer has " + ' +
      '(viewer.consent("viewing_history_disclosure").state == "granted" ? "no valid (separate, current) VPPA consent" : ' +
      '"no VPPA consent") + "."',
    parameters: {
      consentValidDays: {
        type: 'number',
        default: 730,
        min: 1,
        max: 730,
        description: 'VPPA consent lifetime (2 years).',
      },
      ordinaryCourseRecipients: {
        type: 'list',
        default: ['debt_collection', 'order_fulfilment', 'payment_processor'],
        description: 'Recipients in the ordinary course of business (§2710(a)(2)).',
      },
      videoParamKeys: {
        type: 'list',
        default: ['content_name', 'content_id', 'contentId', 'title', 'video_title', 'content_ids'],
        description: 'Pixel parameters that identify a specific video.',
      },
      personParamKeys: {
        type: 'list',
        default: ['external_id', 'user_id', 'userId', 'em', 'email', 'ph', 'fbp', 'uid'],
        description: 'Pixel parameters that identify a person.',
      },
    },
  },
  {
    id: 'VPPA-02',
    version: 1,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(b)(2)(B)(i)-(iii)',
    severity: 'high',
    title: 'VPPA consent not on a separate form, or expired',
    description:
      'A consent to disclose viewing history was collected inside other terms instead of on a distinct ' +
      'and separate form, or a disclosure relied on a consent older than two years.',
    remediation:
      'Collect VPPA consent on its own form, offer withdrawal, and renew it before two years pass.',
    triggers: ['consent.granted', 'data.shared', 'data.exported'],
    condition:
      'viewer.country == "US" && ((event.type == "consent.granted" && data.purpose == "viewing_history_disclosure" && ' +
      '!data.separateForm) || (event.type != "consent.granted" && data.includesViewingHistory && ' +
      'viewer.consent("viewing_history_disclosure").state == "granted" && ' +
      'event.at - viewer.consent("viewing_history_disclosure").grantedAt > days(params.consentValidDays)))',
    explanation:
      'event.type == "consent.granted" ? "Viewer " + viewer.userId + "\'s VPPA consent was collected without a separate form." : ' +
      '"Viewer " + viewer.userId + "\'s VPPA consent dates from " + iso(viewer.consent("viewing_history_disclosure").grantedAt) + ' +
      '", more than two years before " + event.summary + "."',
    parameters: {
      consentValidDays: {
        type: 'number',
        default: 730,
        min: 1,
        max: 730,
        description: 'VPPA consent lifetime (2 years).',
      },
    },
  },
  {
    id: 'VPPA-03',
    version: 1,
    framework: 'VPPA',
    reference: '18 U.S.C. §2710(e)',
    severity: 'medium',
    title: 'Viewing history kept after it is no longer needed',
    description:
      'A closed US account’s viewing history is still held more than a year after the account closed, ' +
      'with no pending request or order that requires keeping it.',
    remediation:
      'Destroy the viewing history (record data.deleted), unless a pending request or order is documented as a legal hold.',
    triggers: ['schedule.retention'],
    condition:
      'viewer.country == "US" && item.category == "viewing_history" && item.held && !item.legalHold && ' +
      'item.anchor == "account_closed" && now > item.anchorAt + days(params.destroyWithinDays)',
    explanation:
      '"Viewer " + viewer.userId + "\'s account closed at " + iso(item.anchorAt) + "; their viewing history is still held " + ' +
      'span(now - item.anchorAt) + " later."',
    parameters: {
      destroyWithinDays: {
        type: 'number',
        default: 365,
        min: 1,
        max: 365,
        description: 'Days after closure.',
      },
    },
  },
];
