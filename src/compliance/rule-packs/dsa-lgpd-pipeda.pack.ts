import type { DsrType } from '../../ingestion/domain/event-vocabulary';
import type { RuleDefinition } from '../domain/rule';
import {
  DSR_DEADLINE_CONDITION,
  DSR_EXPLANATION,
  IS_EEA,
  PROCESSES_PERSONAL_DATA,
  VALID_TRANSFER_SAFEGUARDS,
} from './common';

const ONLINE_PLATFORM: NonNullable<RuleDefinition['parameters']>[string] = {
  type: 'boolean',
  default: true,
  description:
    'The service is an online platform under the DSA (user-facing sharing). A pure SVOD catalogue is an ' +
    'audiovisual media service instead: set false, and DSA-01 then relies on AVMSD Art. 6a(2)/28b(3).',
};

export const DSA_LGPD_PIPEDA_PACK: RuleDefinition[] = [
  {
    id: 'DSA-01',
    version: 1,
    framework: 'DSA',
    reference: 'DSA (Reg. 2022/2065) Art. 28(2); AVMSD 2010/13/EU Art. 6a(2), 28b(3)',
    severity: 'high',
    title: 'Profiled advertising to a minor',
    description:
      'An ad based on profiling was shown to an EEA viewer the platform knows, with reasonable certainty, ' +
      'to be under 18 (birth year, age verification or a kids profile).',
    remediation:
      'Serve only contextual ads to viewers known to be minors; exclude them from profiled audiences.',
    triggers: ['ad.served'],
    condition: `${IS_EEA} && data.targeting != "contextual" && viewer.ageKnown && viewer.age < 18.0`,
    explanation:
      '"Viewer " + viewer.userId + " is known to be a minor (at least " + num(viewer.age) + ", from " + viewer.ageSource + ' +
      '") and " + event.summary + "."',
  },
  {
    id: 'DSA-02',
    version: 1,
    framework: 'DSA',
    reference: 'DSA Art. 26(3); GDPR Art. 9(1)-(2)(a)',
    severity: 'high',
    title: 'Advertising targeted on special categories of data',
    description:
      'An ad was targeted using a segment that reveals or infers a special category (health, religion, ' +
      'sexual orientation, ethnicity, politics…). Online platforms may not do this at all; others need ' +
      'explicit consent.',
    remediation:
      'Remove sensitive segments from the ad taxonomy, including segments inferred from genres or titles.',
    triggers: ['ad.served'],
    condition:
      `${IS_EEA} && data.targeting != "contextual" && ref.anyInSet("SPECIAL_SEGMENTS", data.segments) && ` +
      '(params.onlinePlatform || !(consent.state == "granted" && consent.explicit))',
    explanation:
      '"An ad was targeted at viewer " + viewer.userId + " using segments " + list(data.segments) + ' +
      '", which reveal special categories of data."',
    parameters: { onlinePlatform: ONLINE_PLATFORM },
  },
  {
    id: 'LGPD-01',
    version: 1,
    framework: 'LGPD',
    reference: 'LGPD (Lei 13.709/2018) Art. 19, I-II',
    severity: 'high',
    title: 'LGPD access request answered late',
    description:
      'A Brazilian viewer’s request for a complete copy of their data is still open 15 days after it was ' +
      'made (a simplified answer is due immediately).',
    remediation: 'Send the complete declaration now; automate the simplified answer.',
    triggers: ['schedule.dsr_deadline'],
    condition:
      'request.jurisdiction == "BR" && request.type in params.requestTypes && !request.closed && ' +
      '(request.format == "simplified" ? now > request.openedAt + hours(params.simplifiedHours) : now > request.due)',
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: { type: 'string', default: 'LGPD', oneOf: ['LGPD'], description: 'Deadline calendar.' },
      requestTypes: {
        type: 'list',
        default: ['access', 'portability'] satisfies DsrType[],
        description: 'Request types covered.',
      },
      simplifiedHours: {
        type: 'number',
        default: 24,
        min: 1,
        max: 72,
        description: 'Hours allowed for a simplified answer ("immediately").',
      },
    },
  },
  {
    id: 'LGPD-02',
    version: 1,
    framework: 'LGPD',
    reference: 'LGPD Art. 14 §1 (child under 12: ECA Art. 2)',
    severity: 'high',
    title: 'Child’s data processed without a parent’s specific consent',
    description:
      'A Brazilian child’s personal data was processed without specific and highlighted consent from at ' +
      'least one parent or legal guardian.',
    remediation: 'Obtain and record a parent’s specific consent; stop non-essential processing until then.',
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
      'viewer.country == "BR" && viewer.ageKnown && viewer.age < params.childAge && !viewer.parentalVerified && ' +
      `!(data.purpose in params.exemptPurposes) && ${PROCESSES_PERSONAL_DATA}`,
    explanation:
      '"Viewer " + viewer.userId + " is a child in Brazil (at least " + num(viewer.age) + ") with no parental consent; " + ' +
      'event.summary + "."',
    parameters: {
      childAge: {
        type: 'number',
        default: 12,
        min: 1,
        max: 18,
        description: 'Age below which a viewer is a child.',
      },
      exemptPurposes: {
        type: 'list',
        default: ['contact_parent', 'protection', 'security', 'support'],
        description: 'Purposes allowed without consent (Art. 14 §3: contacting parents, protection).',
      },
    },
  },
  {
    id: 'LGPD-03',
    version: 1,
    framework: 'LGPD',
    reference: 'LGPD Art. 33, I, II and VIII',
    severity: 'high',
    title: 'International transfer of a Brazilian viewer’s data without a legal mechanism',
    description:
      'A Brazilian viewer’s data went abroad to a country the ANPD has not recognised as adequate, with ' +
      'no clauses or rules in place and no specific consent to the transfer.',
    remediation:
      'Use ANPD standard contractual clauses or obtain specific, highlighted consent before transferring.',
    triggers: ['data.shared', 'data.exported'],
    condition:
      'viewer.country == "BR" && data.recipientCountry != "" && data.recipientCountry != "BR" && ' +
      '!ref.inSet("ANPD_ADEQ", data.recipientCountry) && !(data.safeguard in params.validSafeguards) && ' +
      '!(data.recipient in params.exemptRecipients) && viewer.consent("cross_border_transfer").state != "granted"',
    explanation:
      '"Data of Brazilian viewer " + viewer.userId + " went to " + data.recipient + " in " + data.recipientCountry + ' +
      '" with safeguard \\"" + data.safeguard + "\\" and no transfer consent."',
    parameters: {
      validSafeguards: VALID_TRANSFER_SAFEGUARDS,
      exemptRecipients: {
        type: 'list',
        default: ['data_subject'],
        description: 'Recipients that are not transfers (the viewer receiving their own export).',
      },
    },
  },
  {
    id: 'PIPEDA-01',
    version: 1,
    framework: 'PIPEDA',
    reference: 'PIPEDA s.8(3)-(5)',
    severity: 'high',
    title: 'PIPEDA access request answered late',
    description:
      'A Canadian viewer’s access request has had no response within 30 days (60 when an extension notice ' +
      'was sent within the first 30); the law deems it refused.',
    remediation:
      'Respond now; send extension notices, with reasons and the right to complain, within 30 days.',
    triggers: ['schedule.dsr_deadline'],
    condition: `request.jurisdiction in ["CA", "CA-FEDERAL"] && request.type in params.requestTypes && ${DSR_DEADLINE_CONDITION}`,
    explanation: DSR_EXPLANATION,
    parameters: {
      calendar: { type: 'string', default: 'PIPEDA', oneOf: ['PIPEDA'], description: 'Deadline calendar.' },
      requestTypes: {
        type: 'list',
        default: ['access'] satisfies DsrType[],
        description: 'Request types covered.',
      },
    },
  },
];
