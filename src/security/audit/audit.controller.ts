import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumberString, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsIsoDateTime } from '../../common/http/iso-date';
import { Roles } from '../auth.decorators';
import { Role } from '../roles';
import { AuditLog, VerifyResult } from './audit-log.service';

export class AuditQueryDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'who acted, e.g. user:<id> or api_key:<id>' })
  @IsOptional() @IsString() @MaxLength(200) actorId?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'auth.login.succeeded' })
  @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'user' })
  @IsOptional() @IsString() @MaxLength(100) targetType?: string;
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200) targetId?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'ISO-8601' })
  @IsOptional() @IsIsoDateTime() from?: Date;
  @ApiPropertyOptional({ format: 'date-time', description: 'ISO-8601' })
  @IsOptional() @IsIsoDateTime() to?: Date;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  /** Keyset paging: pass the last id of the previous page. */
  @ApiPropertyOptional({ pattern: '^[0-9]{1,20}$', description: 'keyset paging: the nextBefore of the previous page' })
  @IsOptional() @IsNumberString({}, { message: 'before must be an entry id' }) @MaxLength(20) before?: string;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @Roles(Role.Auditor, Role.Admin)
  @ApiOperation({ summary: 'Audit entries, newest first; filters and keyset paging (before = last id seen)' })
  async list(@Query() q: AuditQueryDto): Promise<{ items: Record<string, unknown>[]; nextBefore: string | null }> {
    const limit = q.limit ?? 100;
    const items = await this.audit.list({ ...q, limit });
    return { items, nextBefore: items.length === limit ? String(items[items.length - 1].id) : null };
  }

  @Get('verify')
  @Roles(Role.Auditor, Role.Admin)
  @ApiOperation({ summary: 'Recompute the hash chain: proves no entry was altered, inserted or removed' })
  @ApiOkResponse({ schema: { example: { valid: true, checked: 1234, firstBreak: null } } })
  verify(): Promise<VerifyResult> {
    return this.audit.verify();
  }
}
