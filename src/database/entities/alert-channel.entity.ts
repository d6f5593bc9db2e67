import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** alert_channels: where alerts go (webhook, Slack, e-mail); deleted channels are kept, marked. */
@Entity({ name: 'alert_channels' })
@Unique('alert_channels_name_key', ['name'])
@Check('alert_channels_type_check', `type IN ('webhook', 'slack', 'email')`)
export class AlertChannelEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'alert_channels_pkey' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  target: string;

  @Column({ type: 'text', nullable: true })
  secret: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
