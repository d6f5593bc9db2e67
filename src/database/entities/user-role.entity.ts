import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { RoleEntity } from './role.entity';
import { UserEntity } from './user.entity';

/** user_roles: which roles a user holds, and who granted them. */
@Entity({ name: 'user_roles' })
@Index('user_roles_role_idx', ['role'])
export class UserRoleEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'user_roles_pkey' })
  userId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'user_roles_pkey' })
  role: string;

  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy: string | null;

  @Column({ name: 'granted_at', type: 'timestamptz', default: () => 'now()' })
  grantedAt: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_roles_user_id_fkey' })
  user?: UserEntity;

  @ManyToOne(() => RoleEntity)
  @JoinColumn({ name: 'role', foreignKeyConstraintName: 'user_roles_role_fkey' })
  roleRef?: RoleEntity;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'granted_by', foreignKeyConstraintName: 'user_roles_granted_by_fkey' })
  granter?: UserEntity | null;
}
