/**
 * A compliance rule is data: who wrote the law (framework, reference), what breaks it (a CEL condition
 * over the event, the viewer's state and windowed counts), how bad it is, how to explain and fix it.
 * Rules are stored, versioned and validated before they are saved; code never branches on a rule id.
 */
import { SEVERITIES, type Severity } from '../../common/domain/severity';
import type { ComplianceEventType } from './compliance-event';

export { SEVERITIES, type Severity };

export type Framework =
  | 'GDPR'
  | 'ePrivacy'
  | 'UK GDPR'
  | 'PECR'
  | 'CCPA/CPRA'
  | 'US state privacy'
  | 'COPPA'
  | 'VPPA'
  | 'DSA'
  | 'AVMSD'
  | 'LGPD'
  | 'PIPEDA';

export const FRAMEWORKS: readonly Framework[] = [
  'GDPR',
  'ePrivacy',
  'UK GDPR',
  'PECR',
  'CCPA/CPRA',
  'US state privacy',
  'COPPA',
  'VPPA',
  'DSA',
  'AVMSD',
  'LGPD',
  'PIPEDA',
];

/**
 * Time-driven checks run by a scheduler over stored state, with no event: each kind binds its own
 * variables (see rule-language.ts).
 */
export const SCHEDULE_TRIGGERS = [
  'schedule.dsr_deadline',
  'schedule.retention',
  'schedule.breach_notification',
  'schedule.erasure_recipient_notice',
] as const;
export type ScheduleTrigger = (typeof SCHEDULE_TRIGGERS)[number];

export type RuleTrigger = ComplianceEventType | ScheduleTrigger;

export type ParameterValue = number | boolean | string | string[] | Record<string, number>;

export interface RuleParameter {
  type: 'number' | 'boolean' | 'string' | 'list' | 'map';
  default: ParameterValue;
  description: string;
  min?: number;
  max?: number;
  /** For type string: the allowed values. */
  oneOf?: string[];
}

export interface SeverityOverride {
  /** CEL, same variables as the condition; the first override whose `when` is true sets the severity. */
  when: string;
  severity: Severity;
}

export interface RuleDefinition {
  /** Stable id, e.g. GDPR-01; a change is a new version of the same id. */
  id: string;
  version: number;
  framework: Framework;
  /** Article / section, e.g. "GDPR Art. 7(3), 6(1)(a)". */
  reference: string;
  severity: Severity;
  title: string;
  /** What the rule catches, in plain language. */
  description: string;
  /** What to do about a finding. */
  remediation: string;
  /** Event types, or one schedule.* kind. */
  triggers: RuleTrigger[];
  /** CEL expression; true = violation. */
  condition: string;
  /** CEL string expression for the finding's explanation; defaults to title + description. */
  explanation?: string;
  findingSeverityOverride?: SeverityOverride[];
  /** Evaluate against the viewer's state before the triggering event is applied (default) or after. */
  stateAsOf?: 'before_event' | 'after_event';
  parameters?: Record<string, RuleParameter>;
  enabled?: boolean;
}

/** What an editor submits (untrusted JSON); validateRule decides whether it can be saved. */
export type RuleDraft = Record<string, unknown>;

export interface RuleValidationError {
  field: string;
  message: string;
}

export type RuleValidationResult = { ok: true } | { ok: false; errors: RuleValidationError[] };

export interface Finding {
  ruleId: string;
  ruleVersion: number;
  framework: Framework;
  reference: string;
  severity: Severity;
  userId: string;
  /** The event that broke the rule; null for scheduler findings. */
  eventId: string | null;
  /** Event time, or the scheduler's `now`. */
  occurredAt: Date;
  evidenceEventIds: string[];
  explanation: string;
  /** The state the rule read: ledger entries, ages, counts, list versions, parameter values. */
  stateRead: Record<string, unknown>;
  /** Stable per (rule, version, subject): lets the violation stage and schedulers stay idempotent. */
  dedupeKey: string;
}
