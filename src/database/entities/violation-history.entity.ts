import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ViolationEntity } from './violation.entity';

/** violation_history: every change of a case (status, assignment, comment, escalation), in order. */
@Entity({ name: 'violation_history' })
@Index('violation_history_violation_idx', ['violationId', 'at'])
export class ViolationHistoryEntity {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'violation_history_pkey',
  })
  id: string;

  @Column({ name: 'violation_id', type: 'uuid' })
  violationId: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus: string | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'jsonb', default: {} })
  details: unknown;

  @ManyToOne(() => ViolationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'violation_id', foreignKeyConstraintName: 'violation_history_violation_id_fkey' })
  violation?: ViolationEntity;
}
