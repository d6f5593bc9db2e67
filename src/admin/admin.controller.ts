import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, ParseEnumPipe, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../security/auth.decorators';
import { Ctx, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { PageQueryDto } from '../common/http/page-query.dto';
import { CreateApiKeyDto, CreateUserDto, RoleDto, SetDisabledDto } from './admin.dto';
import { AdminService } from './admin.service';

const uuid = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 400 });

@ApiTags('admin')
@Roles(Role.Admin)
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post('users')
  @ApiOperation({ summary: 'Create a user with roles' })
  @ApiConflictResponse({ description: 'The e-mail is taken' })
  createUser(@Body() dto: CreateUserDto, @Ctx() ctx: RequestContext) {
    return this.admin.createUser(dto, ctx);
  }

  @Get('users')
  @ApiOperation({ summary: 'List users (paged)' })
  listUsers(@Query() q: PageQueryDto) {
    return this.admin.list(q.limit ?? 50, q.offset ?? 0);
  }

  @Get('users/:id')
  getUser(@Param('id', uuid) id: string) {
    return this.admin.get(id);
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Disable or re-enable a user; disabling revokes their sessions' })
  @ApiConflictResponse({ description: 'Disabling yourself or the last active admin' })
  setDisabled(@Param('id', uuid) id: string, @Body() dto: SetDisabledDto, @Ctx() ctx: RequestContext) {
    return this.admin.setDisabled(id, dto.disabled, ctx);
  }

  @Post('users/:id/roles')
  @HttpCode(200)
  @ApiOperation({ summary: "Grant a role (an API key's service account can hold only ingest)" })
  @ApiConflictResponse({ description: 'Changing your own roles' })
  @ApiBadRequestResponse({ description: "Any role but ingest for an API key's service account" })
  grant(@Param('id', uuid) id: string, @Body() dto: RoleDto, @Ctx() ctx: RequestContext) {
    return this.admin.changeRole(id, dto.role, true, ctx);
  }

  @Delete('users/:id/roles/:role')
  @ApiOperation({ summary: 'Revoke a role' })
  @ApiConflictResponse({ description: 'Changing your own roles, or removing the last admin' })
  revoke(
    @Param('id', uuid) id: string,
    @Param('role', new ParseEnumPipe(Role, { exceptionFactory: () => new BadRequestException(`role must be one of: ${Object.values(Role).join(', ')}`) })) role: string, // typed string: an enum-typed param would be validated as a class
    @Ctx() ctx: RequestContext,
  ) {
    return this.admin.changeRole(id, role as Role, false, ctx);
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Create an API key for a new ingest service account; the key is shown only in this answer' })
  @ApiCreatedResponse({ schema: { example: { key: 'ott_AbCdEfGhIjKl_…', apiKey: { id: '…', keyPrefix: 'AbCdEfGhIjKl', requestsPerMinute: 6000 } } } })
  createApiKey(@Body() dto: CreateApiKeyDto, @Ctx() ctx: RequestContext) {
    return this.admin.createApiKey(dto, ctx);
  }

  @Get('api-keys')
  @ApiOperation({ summary: 'List API keys (prefix, quota, last use; never the key)' })
  listApiKeys() {
    return this.admin.listApiKeys();
  }

  @Put('api-keys/:id/revoke')
  @ApiOperation({ summary: 'Revoke an API key (takes effect within 5 s on every process)' })
  revokeApiKey(@Param('id', uuid) id: string, @Ctx() ctx: RequestContext) {
    return this.admin.revokeApiKey(id, ctx);
  }
}
