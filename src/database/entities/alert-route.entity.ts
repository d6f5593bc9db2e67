import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { SEVERITY_SQL_LIST } from './severity-check';

/** alert_routes: which violations (severity, frameworks, rules, reasons) alert which channels. */
@Entity({ name: 'alert_routes' })
@Unique('alert_routes_name_key', ['name'])
@Check('alert_routes_min_severity_check', `min_severity IN ${SEVERITY_SQL_LIST}`)
@Check('alert_routes_suppression_window_seconds_check', 'suppression_window_seconds >= 0')
export class AlertRouteEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'alert_routes_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'min_severity', type: 'text' })
  minSeverity: string;

  @Column({ type: 'text', array: true, default: [] })
  frameworks: string[];

  @Column({ name: 'rule_ids', type: 'text', array: true, default: [] })
  ruleIds: string[];

  @Column({ name: 'channel_ids', type: 'uuid', array: true })
  channelIds: string[];

  @Column({ name: 'suppression_window_seconds', type: 'integer', default: 900 })
  suppressionWindowSeconds: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'text', array: true, default: [] })
  reasons: string[];
}
