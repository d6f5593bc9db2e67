import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** users: people and service accounts. E-mails are stored lower-cased (the check enforces it). */
@Entity({ name: 'users' })
@Index('users_email_key', ['email'], { unique: true })
@Check('users_email_lower', 'email = lower(email)')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' })
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'display_name', type: 'text', default: '' })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'is_service_account', type: 'boolean', default: false })
  isServiceAccount: boolean;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
