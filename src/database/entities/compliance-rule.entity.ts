import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { SEVERITY_SQL_LIST } from './severity-check';

/** compliance_rules: every version of every rule; the current one is flagged (one per rule). */
@Entity({ name: 'compliance_rules' })
@Index('compliance_rules_current_key', ['ruleId'], { unique: true, where: 'is_current' })
@Index('compliance_rules_framework_idx', ['framework'], { where: 'is_current' })
@Check('compliance_rules_severity_check', `severity IN ${SEVERITY_SQL_LIST}`)
@Check('compliance_rules_version_check', 'version > 0')
export class ComplianceRuleEntity {
  @PrimaryColumn({ name: 'rule_id', type: 'text', primaryKeyConstraintName: 'compliance_rules_pkey' })
  ruleId: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'compliance_rules_pkey' })
  version: number;

  @Column({ type: 'text' })
  framework: string;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  severity: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text' })
  remediation: string;

  @Column({ type: 'text', array: true })
  triggers: string[];

  @Column({ type: 'jsonb' })
  definition: unknown;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'is_current', type: 'boolean', default: true })
  isCurrent: boolean;

  @Column({ name: 'created_by', type: 'text', default: 'seed' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
