import { Column, Entity, PrimaryColumn } from 'typeorm';

/** roles: the fixed set of roles a user can hold (seeded by the initial migration). */
@Entity({ name: 'roles' })
export class RoleEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'roles_pkey' })
  name: string;

  @Column({ type: 'text' })
  description: string;
}
