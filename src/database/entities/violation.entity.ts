import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from './user.entity';

import { SEVERITY_SQL_LIST as SEVERITIES } from './severity-check';

/**
 * violations: the cases officers work on. Written set-based by the violation stage (folding findings);
 * read and updated one case at a time by the cases API. One open case per dedupe key.
 */
@Entity({ name: 'violations' })
@Index('violations_open_key', ['dedupKey'], { unique: true, where: `status IN ('open', 'acknowledged')` })
// Several indexes sort a column DESC in the migration; TypeORM compares names and columns, not order.
@Index('violations_list_idx', ['status', 'severity', 'lastSeen'])
@Index('violations_framework_idx', ['framework', 'firstSeen'])
@Index('violations_user_idx', ['userId', 'firstSeen'])
@Index('violations_rule_idx', ['ruleId', 'firstSeen'])
@Index('violations_group_idx', ['groupKey', 'lastSeen'])
@Index('violations_unack_critical_idx', ['criticalAt'], {
  where: `status = 'open' AND severity = 'critical' AND unack_escalated_at IS NULL`,
})
@Index('violations_assigned_idx', ['assignedTo'], { where: 'assigned_to IS NOT NULL' })
@Index('violations_updated_idx', ['updatedAt'])
@Index('violations_first_seen_idx', ['firstSeen'])
@Index('violations_resolved_idx', ['resolvedAt'], { where: 'resolved_at IS NOT NULL' })
@Check('violations_base_severity_check', `base_severity IN ${SEVERITIES}`)
@Check('violations_severity_check', `severity IN ${SEVERITIES}`)
@Check('violations_kind_check', `kind IN ('compliance', 'ml', 'security')`)
@Check('violations_occurrence_count_check', 'occurrence_count > 0')
@Check('violations_status_check', `status IN ('open', 'acknowledged', 'resolved', 'false_positive')`)
export class ViolationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'violations_pkey' })
  id: string;

  @Column({ name: 'dedup_key', type: 'text' })
  dedupKey: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'rule_id', type: 'text' })
  ruleId: string;

  @Column({ name: 'rule_version', type: 'text' })
  ruleVersion: string;

  @Column({ type: 'text' })
  framework: string;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'text' })
  severity: string;

  @Column({ name: 'user_id', type: 'text', nullable: true })
  userId: string | null;

  @Column({ type: 'text', default: 'open' })
  status: string;

  @Column({ name: 'first_seen', type: 'timestamptz' })
  firstSeen: Date;

  @Column({ name: 'last_seen', type: 'timestamptz' })
  lastSeen: Date;

  @Column({ name: 'occurrence_count', type: 'integer', default: 1 })
  occurrenceCount: number;

  @Column({ name: 'evidence_event_ids', type: 'uuid', array: true, default: [] })
  evidenceEventIds: string[];

  @Column({ name: 'max_risk_score', type: 'double precision', nullable: true })
  maxRiskScore: number | null;

  @Column({ name: 'assigned_to', type: 'uuid', nullable: true })
  assignedTo: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'group_key', type: 'text' })
  groupKey: string;

  @Column({ name: 'base_severity', type: 'text' })
  baseSeverity: string;

  @Column({ name: 'recurrence_of', type: 'uuid', nullable: true })
  recurrenceOf: string | null;

  @Column({ name: 'critical_at', type: 'timestamptz', nullable: true })
  criticalAt: Date | null;

  @Column({ name: 'unack_escalated_at', type: 'timestamptz', nullable: true })
  unackEscalatedAt: Date | null;

  @Column({ name: 'closed_by', type: 'uuid', nullable: true })
  closedBy: string | null;

  @Column({ name: 'resolution_note', type: 'text', nullable: true })
  resolutionNote: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'assigned_to', foreignKeyConstraintName: 'violations_assigned_to_fkey' })
  assignee?: UserEntity | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'closed_by', foreignKeyConstraintName: 'violations_closed_by_fkey' })
  closer?: UserEntity | null;

  @ManyToOne(() => ViolationEntity)
  @JoinColumn({ name: 'recurrence_of', foreignKeyConstraintName: 'violations_recurrence_of_fkey' })
  recurrence?: ViolationEntity | null;
}
