import { type ActorType, type DsrType, STAFF_ACCESS_PURPOSES } from '../../ingestion/domain/event-vocabulary';
import type { RuleDefinition } from '../domain/rule';
import {
  CONSENT_BASED_PURPOSES,
  DSR_DEADLINE_CONDITION,
  DSR_EXPLANATION,
  IS_EEA,
  PROCESSING_EVENTS,
  VALID_TRANSFER_SAFEGUARDS,
} from './common';

export const GDPR_PACK: RuleDefinition[] = [
  {
    id: 'GDPR-01',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 7(3), 6(1)(a)',
    severity: 'high',
    title: 'Processing after consent was withdrawn',
    description:
      'Personal data was used for a purpose after the viewer withdrew the consent that purpose relies on. ' +
      'Withdrawal must be as easy as giving consent and takes effect for all processing after it.',
    remediation:
      'Stop the processing for this purpose, check that the withdrawal reached every system and vendor ' +
      '(tag manager, recommendation and ad services), and delete data collected after the withdrawal.',
    triggers: [...PROCESSING_EVENTS],
    condition:
      'data.purpose != "" && consent.state == "withdrawn" && consent.basis == "consent" && ' +
      'event.at > consent.at + minutes(params.graceMinutes)',
    explanation:
      '"Viewer " + viewer.userId + " withdrew consent for " + data.purpose + " at " + iso(consent.at) + "; " + ' +
      'event.summary + " " + span(event.at - consent.at) + " later."',
    findingSeverityOverride: [{ when: 'data.recipientType == "third_party"', severity: 'critical' }],
    parameters: {
      graceMinutes: {
        type: 'number',
        default: 0,
        min: 0,
        max: 1440,
        description:
          'Time allowed for a withdrawal to propagate to every system (at most the propagation SLA).',
      },
    },
  },
  {
    id: 'GDPR-02',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 6(1)(a), 7(1)',
    severity: 'high',
    title: 'Consent-based processing without consent',
    description:
      'An EEA viewer’s data was used for a purpose that relies on consent, but the ledger holds no ' +
      'consent for that purpose (never given, or expired).',
    remediation:
      'Gate the processing on the consent ledger; ask for consent before the first use, and re-ask ' +
      'when a consent expires.',
    triggers: [...PROCESSING_EVENTS],
    condition:
      `${IS_EEA} && data.purpose in params.consentPurposes && ` +
      '(consent.state == "none" || consent.state == "expired") && !data.strictlyNecessary',
    explanation:
      '"Viewer " + viewer.userId + " (" + viewer.country + ") has " + ' +
      '(consent.state == "expired" ? "an expired consent" : "no consent") + " for " + data.purpose + "; " + event.summary + "."',
    parameters: { consentPurposes: CONSENT_BASED_PURPOSES },
  },
  {
    id: 'GDPR-03',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 12(3) (with Arts. 15-18, 20, 21)',
    severity: 'high',
    title: 'Data-subject request answered late',
    description:
      'A request from an EEA viewer is still open after one calendar month, or after three months when ' +
      'an extension was notified within the first month.',
    remediation:
      'Answer the request now and tell the viewer why it was late; check the request queue for others ' +
      'close to their due date.',
    triggers: ['schedule.dsr_deadline'],
    condition:
      '(request.jurisdiction in ["EU", "EEA"] || ref.inSet("EEA", request.jurisdiction)) && ' +
      `request.type in params.requestTypes && ${DSR_DEADLINE_CONDITION}`,
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: { type: 'string', default: 'GDPR', oneOf: ['GDPR'], description: 'Deadline calendar.' },
      requestTypes: {
        type: 'list',
        default: ['access', 'erasure', 'portability', 'rectification', 'objection'] satisfies DsrType[],
        description: 'Request types the GDPR deadline applies to.',
      },
    },
  },
  {
    id: 'GDPR-03W',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 12(3)',
    severity: 'low',
    title: 'Data-subject request due soon',
    description: 'A request from an EEA viewer is due within the warning period and is still open.',
    remediation: 'Prioritise the request, or notify an extension with reasons before the first due date.',
    triggers: ['schedule.dsr_deadline'],
    condition:
      '(request.jurisdiction in ["EU", "EEA"] || ref.inSet("EEA", request.jurisdiction)) && ' +
      'request.type in params.requestTypes && !request.closed && ' +
      'now > request.due - days(params.warningDays) && now <= request.due',
    explanation:
      '"Request " + request.id + " of viewer " + viewer.userId + " is due by " + iso(request.due) + "."',
    parameters: {
      calendar: { type: 'string', default: 'GDPR', oneOf: ['GDPR'], description: 'Deadline calendar.' },
      warningDays: {
        type: 'number',
        default: 5,
        min: 1,
        max: 20,
        description: 'Days before the due date to warn.',
      },
      requestTypes: {
        type: 'list',
        default: ['access', 'erasure', 'portability', 'rectification', 'objection'] satisfies DsrType[],
        description: 'Request types the GDPR deadline applies to.',
      },
    },
  },
  {
    id: 'GDPR-04A',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 17(1), 17(3)',
    severity: 'critical',
    title: 'Processing after erasure',
    description:
      'A viewer’s data was used after their erasure request was completed, outside the categories kept ' +
      'under a legal obligation (Art. 17(3)).',
    remediation:
      'Find the copy the erasure missed (caches, analytics stores, vendors), erase it, and fix the ' +
      'erasure workflow so it covers that system.',
    triggers: [...PROCESSING_EVENTS],
    condition:
      'viewer.erasedAt > 0.0 && event.at > viewer.erasedAt + hours(params.graceHours) && ' +
      '(event.type == "tracking.fired" ? data.persistentId : ' +
      '(event.type == "ad.served" ? data.targeting != "contextual" : ' +
      '(size(data.categories) == 0 || data.categories.exists(c, !(c in params.retainedCategories)))))',
    explanation:
      '"Viewer " + viewer.userId + "\'s erasure request was completed at " + iso(viewer.erasedAt) + "; " + ' +
      'event.summary + " " + span(event.at - viewer.erasedAt) + " later."',
    parameters: {
      graceHours: { type: 'number', default: 0, min: 0, max: 72, description: 'Propagation time allowed.' },
      retainedCategories: {
        type: 'list',
        default: ['billing', 'tax_records', 'legal_hold'],
        description: 'Categories kept after erasure under a legal obligation (Art. 17(3)(b),(e)).',
      },
    },
  },
  {
    id: 'GDPR-04B',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 19',
    severity: 'medium',
    title: 'Recipient not told about an erasure',
    description:
      'A recipient that received the viewer’s data before an erasure was not notified of the erasure ' +
      'within the configured time.',
    remediation:
      'Notify the recipient of the erasure (and record dsr.recipient_notified), or document why it is impossible.',
    triggers: ['schedule.erasure_recipient_notice'],
    condition: '!notice.notified && now > notice.erasedAt + days(params.noticeDays)',
    explanation:
      '"Viewer " + viewer.userId + "\'s data went to " + notice.recipient + " (last on " + iso(notice.sharedAt) + "); ' +
      'the erasure completed at " + iso(notice.erasedAt) + " and " + notice.recipient + " has not been told after " + ' +
      'span(now - notice.erasedAt) + "."',
    parameters: {
      noticeDays: {
        type: 'number',
        default: 30,
        min: 0,
        max: 90,
        description: 'Days allowed to notify recipients.',
      },
    },
  },
  {
    id: 'GDPR-05',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 21(2)-(3)',
    severity: 'high',
    title: 'Direct marketing after an objection',
    description:
      'The viewer objected to direct marketing (an objection request, or a withdrawal of legitimate-interest ' +
      'marketing), yet targeted marketing continued. An objection to direct marketing is absolute.',
    remediation:
      'Put the viewer on the marketing suppression list everywhere, including ad audiences sent to partners.',
    triggers: ['ad.served', 'data.shared', 'data.exported', 'tracking.fired'],
    condition:
      `${IS_EEA} && viewer.marketingObjectionAt > 0.0 && event.at > viewer.marketingObjectionAt && ` +
      '((event.type == "ad.served" && data.targeting != "contextual") || data.purpose == "marketing")',
    explanation:
      '"Viewer " + viewer.userId + " objected to direct marketing at " + iso(viewer.marketingObjectionAt) + "; " + ' +
      'event.summary + " " + span(event.at - viewer.marketingObjectionAt) + " later."',
  },
  {
    id: 'GDPR-06',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Arts. 44, 45, 46(2), 49(1)(a)',
    severity: 'critical',
    title: 'Transfer outside the EEA without adequacy or safeguards',
    description:
      'An EEA viewer’s data went to a country outside the EEA that has no adequacy decision covering the ' +
      'recipient (the US only for DPF-certified recipients, Canada only under PIPEDA), with no transfer ' +
      'safeguard and no explicit consent to the transfer.',
    remediation:
      'Suspend the transfer; put standard contractual clauses (with a transfer impact assessment) or ' +
      'another Art. 46 tool in place, or choose a recipient in an adequate country.',
    triggers: ['data.shared', 'data.exported'],
    condition:
      `${IS_EEA} && data.recipientCountry != "" && !ref.inSet("EEA", data.recipientCountry) && ` +
      '!(data.recipient in params.exemptRecipients) && ' +
      '!ref.adequate(data.recipientCountry, data.dpfCertified, !(data.recipient in params.recipientsNotUnderPipeda)) && ' +
      '!(data.safeguard in params.validSafeguards) && ' +
      '!(viewer.consent("cross_border_transfer").state == "granted" && viewer.consent("cross_border_transfer").explicit)',
    explanation:
      '"Data of viewer " + viewer.userId + " (" + viewer.country + ") went to " + data.recipient + " in " + ' +
      'data.recipientCountry + " with safeguard \\"" + data.safeguard + "\\"; " + data.recipientCountry + ' +
      '" has no adequacy decision covering this recipient and the viewer gave no explicit transfer consent."',
    parameters: {
      validSafeguards: VALID_TRANSFER_SAFEGUARDS,
      exemptRecipients: {
        type: 'list',
        default: ['data_subject'],
        description: 'Recipients that are not transfers (the viewer receiving their own export).',
      },
      recipientsNotUnderPipeda: {
        type: 'list',
        default: [],
        description:
          'Canadian recipients outside PIPEDA (e.g. provincially regulated bodies), for which CA adequacy does not apply.',
      },
    },
  },
  {
    id: 'GDPR-07',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 8(1)-(2); UK GDPR Art. 8(1)',
    severity: 'high',
    title: 'Child’s consent without parental authorisation',
    description:
      'A viewer younger than their country’s age of digital consent gave consent themselves, with no ' +
      'verified authorisation from a holder of parental responsibility.',
    remediation:
      'Treat the consent as invalid; ask for verified parental authorisation before relying on it, and ' +
      'stop the processing meanwhile.',
    triggers: ['consent.granted'],
    condition:
      `(${IS_EEA} || viewer.country == "GB") && viewer.ageKnown && viewer.age < ref.ageOfConsent(viewer.country) && ` +
      'event.actorType == "viewer" && data.basis == "consent" && !viewer.parentalVerified',
    explanation:
      '"Viewer " + viewer.userId + " (" + viewer.country + ", at least " + num(viewer.age) + " from " + viewer.ageSource + ' +
      '") is below the age of digital consent (" + num(ref.ageOfConsent(viewer.country)) + ") and consented to " + ' +
      'data.purpose + " without verified parental authorisation."',
  },
  {
    id: 'GDPR-08',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 5(1)(e), 17(1)(a)',
    severity: 'medium',
    title: 'Data kept beyond its retention period',
    description:
      'A category of a closed account’s data is still held after the retention period configured for it ' +
      'and no legal hold applies.',
    remediation:
      'Delete the category (and record data.deleted), and check the deletion job that should have done it.',
    triggers: ['schedule.retention'],
    condition:
      'item.held && !item.legalHold && item.anchor == "account_closed" && item.category in params.retentionDays && ' +
      'now > item.anchorAt + days(params.retentionDays[item.category])',
    explanation:
      '"Viewer " + viewer.userId + "\'s account closed at " + iso(item.anchorAt) + "; their " + item.category + ' +
      '" is still held " + span(now - item.anchorAt) + " later (retention " + ' +
      'num(params.retentionDays[item.category]) + " days)."',
    parameters: {
      retentionDays: {
        type: 'map',
        default: { viewing_history: 730, account: 365, age_verification: 30, device_identifiers: 395 },
        description: 'Retention per data category, in days after the account closed.',
      },
    },
  },
  {
    id: 'GDPR-09A',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Arts. 29, 32(4), 5(1)(b)',
    severity: 'high',
    title: 'Staff access without a ticket or an allowed purpose',
    description:
      'A staff member read a viewer’s personal data with no ticket reference, or for a purpose staff ' +
      'access is not allowed for.',
    remediation:
      'Ask the staff member’s manager to confirm the access and its purpose; require a ticket id in the ' +
      'support tool before it shows personal data.',
    triggers: ['data.accessed'],
    condition:
      'event.actorType == "staff" && (data.ticketId == "" || !(data.purpose in params.staffPurposes))',
    explanation:
      '"Staff member " + event.actorId + " accessed viewer " + viewer.userId + "\'s " + list(data.categories) + ' +
      '(data.ticketId == "" ? " without a ticket" : " under ticket " + data.ticketId) + ' +
      '" for purpose \\"" + data.purpose + "\\"" + (data.purpose in params.staffPurposes ? "." : ", which staff access is not allowed for.")',
    parameters: {
      staffPurposes: {
        type: 'list',
        // One vocabulary with the event contract (its data.accessed example uses the same words).
        default: [...STAFF_ACCESS_PURPOSES],
        description: 'Purposes staff may access personal data for.',
      },
    },
  },
  {
    id: 'GDPR-09B',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Arts. 5(1)(b), 29',
    severity: 'high',
    title: 'Service access for an undeclared purpose',
    description:
      'A service read personal data for a purpose it has not declared in the record of processing.',
    remediation: 'Declare the purpose (with its legal basis) or stop the service reading this data for it.',
    triggers: ['data.accessed'],
    condition:
      'event.actorType == "service" && !(event.actorId + ":" + data.purpose in params.declaredServicePurposes)',
    explanation:
      '"Service " + event.actorId + " accessed viewer " + viewer.userId + "\'s " + list(data.categories) + ' +
      '" for \\"" + data.purpose + "\\", a purpose it has not declared."',
    parameters: {
      declaredServicePurposes: {
        type: 'list',
        default: [
          'recsys:personalisation',
          'analytics:analytics',
          'billing:billing',
          'playback:service_delivery',
          'dsr-processor:dsr_fulfilment',
          'fraud-detection:fraud_prevention',
        ],
        description: 'service:purpose pairs from the record of processing activities.',
      },
    },
  },
  {
    id: 'GDPR-10',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Arts. 32(1)(b), 32(4), 5(1)(f)',
    severity: 'critical',
    title: 'Bulk access to personal data by one actor',
    description:
      'One staff member or partner read more distinct viewers, or more records, within the window than ' +
      'the configured threshold — a sign of scraping or a compromised account.',
    remediation:
      'Suspend the actor’s access, review what was read and why, and treat it as a potential breach ' +
      '(Art. 33) if it was not authorised.',
    triggers: ['data.accessed'],
    stateAsOf: 'after_event',
    condition:
      'event.actorType in params.actorTypes && !(event.actorId in params.exemptActors) && ' +
      '(actor.distinctViewers(params.windowMinutes) == params.maxDistinctViewers + 1.0 || ' +
      '(actor.records(params.windowMinutes) > params.maxRecords && ' +
      'actor.records(params.windowMinutes) - data.recordCount <= params.maxRecords))',
    explanation:
      '"" + event.actorType + " " + event.actorId + " read " + num(actor.distinctViewers(params.windowMinutes)) + ' +
      '" distinct viewers (" + num(actor.records(params.windowMinutes)) + " records) in the last " + ' +
      'num(params.windowMinutes) + " minutes, above the limit of " + num(params.maxDistinctViewers) + " viewers / " + ' +
      'num(params.maxRecords) + " records."',
    parameters: {
      windowMinutes: {
        type: 'number',
        default: 60,
        min: 1,
        max: 60,
        description: 'Window length in minutes (actor counters keep one hour).',
      },
      maxDistinctViewers: {
        type: 'number',
        default: 100,
        min: 1,
        description: 'Distinct viewers allowed per window.',
      },
      maxRecords: { type: 'number', default: 5000, min: 1, description: 'Records allowed per window.' },
      actorTypes: {
        type: 'list',
        default: ['staff', 'partner'] satisfies ActorType[],
        description: 'Actor types watched.',
      },
      exemptActors: {
        type: 'list',
        default: [],
        description: 'Actors allowed bulk access (batch jobs under review).',
      },
    },
  },
  {
    id: 'GDPR-11',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 33(1)',
    severity: 'critical',
    title: 'Breach not notified to the authority within 72 hours',
    description:
      'A personal-data breach was not notified to the supervisory authority within 72 hours of becoming aware of it.',
    remediation:
      'Notify the lead supervisory authority now, with the reasons for the delay (Art. 33(1)); document the ' +
      'breach in the breach register (Art. 33(5)).',
    triggers: ['schedule.breach_notification'],
    condition:
      'breach.personalData && (breach.notified ? breach.notifiedAt : now) > breach.awareAt + hours(params.notifyWithinHours)',
    explanation:
      '"Breach " + breach.id + " (aware " + iso(breach.awareAt) + ") " + ' +
      '(breach.notified ? "was notified to the authority " + span(breach.notifiedAt - breach.awareAt) + " after awareness" : ' +
      '"has not been notified to the authority " + span(now - breach.awareAt) + " after awareness") + "."',
    parameters: {
      notifyWithinHours: { type: 'number', default: 72, min: 1, max: 72, description: 'Hours allowed.' },
    },
  },
  {
    id: 'SEC-01',
    version: 1,
    framework: 'GDPR',
    reference: 'GDPR Art. 32(1)(b),(d)',
    severity: 'high',
    title: 'Account takeover pattern followed by data export',
    description:
      'Several failed logins from different IP addresses, then a successful login from a country the ' +
      'viewer never logged in from, then an export or read of their data within the hour.',
    remediation:
      'Lock the account and force a password reset, revoke sessions, and check whether the export left ' +
      'the platform; assess it as a potential breach.',
    triggers: ['data.exported', 'data.accessed'],
    condition:
      'viewer.lastLoginNewCountry && viewer.lastLoginFailures >= params.minFailures && ' +
      'viewer.lastLoginFailureIps >= params.minDistinctIps && event.at - viewer.lastLoginAt <= minutes(params.withinMinutes) && ' +
      '(event.type == "data.exported" || event.actorType == "viewer")',
    explanation:
      '"Viewer " + viewer.userId + ": " + num(viewer.lastLoginFailures) + " failed logins from " + ' +
      'num(viewer.lastLoginFailureIps) + " IP ranges, then a login from a new country (" + viewer.lastLoginCountry + ") at " + ' +
      'iso(viewer.lastLoginAt) + "; " + event.summary + " " + span(event.at - viewer.lastLoginAt) + " later."',
    parameters: {
      minFailures: {
        type: 'number',
        default: 5,
        min: 1,
        description: 'Failed logins within 10 minutes before the login.',
      },
      minDistinctIps: { type: 'number', default: 3, min: 1, description: 'Distinct IP prefixes among them.' },
      withinMinutes: { type: 'number', default: 60, min: 1, description: 'Minutes after the login.' },
    },
  },
];
