import { AlertChannelEntity } from './entities/alert-channel.entity';
import { AlertRouteEntity } from './entities/alert-route.entity';
import { ApiKeyEntity } from './entities/api-key.entity';
import { ComplianceRuleEntity } from './entities/compliance-rule.entity';
import { MlModelEntity } from './entities/ml-model.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import { ReportEntity } from './entities/report.entity';
import { RoleEntity } from './entities/role.entity';
import { UserRoleEntity } from './entities/user-role.entity';
import { UserEntity } from './entities/user.entity';
import { ViolationHistoryEntity } from './entities/violation-history.entity';
import { ViolationEntity } from './entities/violation.entity';

/**
 * TypeORM entities, listed explicitly: the CRUD tables, mapped column for column (types, defaults,
 * nullability, keys, indexes, checks, foreign keys) from what the migrations build. The migrations
 * stay the source of the schema (synchronize is off); src/database/check-schema-drift fails CI when the
 * two disagree. Hot-path tables (events, findings, state, rollups…) are written with set-based SQL in
 * repositories and have no entity. They live here, not in the modules, so that the database folder
 * depends on no module while every module may use them.
 */
export const ENTITIES: Function[] = [
  RoleEntity,
  UserEntity,
  UserRoleEntity,
  ApiKeyEntity,
  RefreshTokenEntity,
  ComplianceRuleEntity,
  MlModelEntity,
  AlertChannelEntity,
  AlertRouteEntity,
  ReportEntity,
  ViolationEntity,
  ViolationHistoryEntity,
];
