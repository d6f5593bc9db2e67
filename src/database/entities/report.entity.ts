import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** reports: requested and scheduled reports, with their rendered content once done. */
@Entity({ name: 'reports' })
// created_at DESC in the migration; TypeORM compares an index's name and columns, not their order.
@Index('reports_created_idx', ['createdAt'])
@Index('reports_queued_idx', ['createdAt'], { where: `status IN ('queued', 'running')` })
@Index('reports_scheduled_key', ['type', 'format', 'periodStart', 'periodEnd', 'requestedBy'], {
  unique: true,
  where: `requested_by LIKE 'schedule:%'`,
})
@Check('reports_check', 'period_end > period_start')
@Check('reports_format_check', `format IN ('json', 'csv', 'pdf')`)
@Check('reports_status_check', `status IN ('queued', 'running', 'done', 'failed')`)
@Check('reports_type_check', `type IN ('executive', 'compliance', 'performance')`)
export class ReportEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'reports_pkey' })
  id: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  format: string;

  @Column({ name: 'period_start', type: 'timestamptz' })
  periodStart: Date;

  @Column({ name: 'period_end', type: 'timestamptz' })
  periodEnd: Date;

  @Column({ type: 'text', default: 'queued' })
  status: string;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'content_type', type: 'text', nullable: true })
  contentType: string | null;

  @Column({ type: 'bytea', nullable: true })
  content: Buffer | null;
}
