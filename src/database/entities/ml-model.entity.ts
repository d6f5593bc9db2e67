import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** ml_models: trained model versions and their artifacts; at most one is active. */
@Entity({ name: 'ml_models' })
@Index('ml_models_one_active', ['active'], { unique: true, where: 'active' })
@Check('ml_models_sample_size_check', 'sample_size >= 0')
export class MlModelEntity {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'ml_models_pkey' })
  version: number;

  @Column({ type: 'text' })
  algorithm: string;

  @Column({ type: 'jsonb' })
  parameters: unknown;

  @Column({ name: 'training_window_start', type: 'timestamptz', nullable: true })
  trainingWindowStart: Date | null;

  @Column({ name: 'training_window_end', type: 'timestamptz', nullable: true })
  trainingWindowEnd: Date | null;

  @Column({ name: 'sample_size', type: 'integer' })
  sampleSize: number;

  @Column({ type: 'jsonb', default: {} })
  metrics: unknown;

  @Column({ type: 'jsonb' })
  artifact: unknown;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'boolean', default: false })
  active: boolean;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;
}
