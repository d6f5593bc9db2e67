import { Controller, Delete, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { AuditLog } from '../security/audit/audit-log.service';
import { Roles } from '../security/auth.decorators';
import { auditActor, Ctx, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { CACHE_PATTERN } from './cache-pattern';
import { CacheStats, ResilientCache } from './resilient-cache';

/** The data sets analytics keys depend on; their generations are shown in the stats. */
export const CACHE_GENERATIONS = ['events', 'findings', 'violations', 'user_risk', 'consents'];

export class CacheInvalidationQueryDto {
  @ApiPropertyOptional({
    description: 'Redis glob (`*`, `?`) relative to the cache namespace; letters, digits and : _ . = - only',
    default: 'analytics:*',
    example: 'analytics:events:*',
  })
  @IsOptional()
  @Matches(CACHE_PATTERN, {
    message: 'pattern must be 1-200 characters of letters, digits, : _ . = - and the wildcards * ?',
  })
  pattern?: string;
}

@ApiTags('admin')
@Roles(Role.Admin)
@Controller('admin/cache')
export class CacheAdminController {
  constructor(
    private readonly cache: ResilientCache,
    private readonly audit: AuditLog,
  ) {}

  @Get('stats')
  @ApiOperation({
    summary:
      'Cache backend (Redis or the in-memory fallback), key count, hits and misses of this process, generations',
  })
  stats(): Promise<CacheStats> {
    return this.cache.stats(CACHE_GENERATIONS);
  }

  @Delete()
  @ApiOperation({ summary: 'Delete cached entries matching a pattern (SCAN + UNLINK; audited)' })
  @ApiOkResponse({ schema: { example: { pattern: 'analytics:*', deleted: 42, backend: 'redis' } } })
  async invalidate(@Query() q: CacheInvalidationQueryDto, @Ctx() ctx: RequestContext) {
    const pattern = q.pattern ?? 'analytics:*';
    const result = await this.cache.invalidate(pattern);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'cache.invalidate',
      targetType: 'cache',
      targetId: pattern,
      details: { deleted: result.deleted, backend: result.backend },
    });
    return { pattern, ...result };
  }
}
