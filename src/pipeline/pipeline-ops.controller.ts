import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '../common/http/page-query.dto';
import { Roles } from '../security/auth.decorators';
import { Ctx, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { DeadLetters } from './dead-letters.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

@ApiTags('pipeline')
@Roles(Role.Operator, Role.Admin)
@Controller('pipeline')
export class PipelineOpsController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'Batches that exhausted their retries, newest first, with the error' })
  list(@Query() q: PageQueryDto) {
    return this.deadLetters.list(q.limit ?? 50, q.offset ?? 0);
  }

  @Post('dead-letters/:batchId/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-run a dead batch from the stage where it failed (idempotent; audited)' })
  replay(@Param('batchId', uuid) batchId: string, @Ctx() ctx: RequestContext) {
    return this.deadLetters.replay(batchId, ctx);
  }

  @Delete('dead-letters/:batchId')
  @ApiOperation({ summary: 'Discard a dead batch: kept for the record, never re-driven (audited)' })
  discard(@Param('batchId', uuid) batchId: string, @Ctx() ctx: RequestContext) {
    return this.deadLetters.discard(batchId, ctx);
  }
}
