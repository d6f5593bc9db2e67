import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PageQueryDto } from '../common/http/page-query.dto';
import { Roles } from '../security/auth.decorators';
import { Ctx, RequestContext } from '../security/principal';
import { Role } from '../security/roles';
import { DeadLetters } from './dead-letters.service';
import { QueueOperations } from './queue-operations.service';
import { ScheduledTaskRuns } from './scheduled-task-runs.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 400 });

@ApiTags('pipeline')
@Roles(Role.Operator, Role.Admin)
@Controller('pipeline')
export class PipelineOpsController {
  constructor(
    private readonly deadLetters: DeadLetters,
    private readonly queues: QueueOperations,
    private readonly tasks: ScheduledTaskRuns,
  ) {}

  @Get('tasks')
  @ApiOperation({ summary: 'The scheduled tasks (DSR deadlines, retention, rollups, sweepers…) with their schedule and next run' })
  listTasks() {
    return this.tasks.list();
  }

  @Post('tasks/:name/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a scheduled task now, once, on a worker (audited); poll the run for its result' })
  runTask(@Param('name') name: string, @Ctx() ctx: RequestContext) {
    return this.tasks.run(name, ctx);
  }

  @Get('tasks/runs/:runId')
  @ApiOperation({ summary: 'A manual task run: waiting, active, completed (with the result) or failed (with the error)' })
  taskRun(@Param('runId') runId: string) {
    return this.tasks.status(runId);
  }

  @Get('queues')
  @ApiOperation({ summary: 'Every queue with its job counts and whether it is paused' })
  overview() {
    return this.queues.overview();
  }

  @Post('queues/:name/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a stage for every worker (accepted events wait safely; audited)' })
  pause(@Param('name') name: string, @Ctx() ctx: RequestContext) {
    return this.queues.setPaused(name, true, ctx);
  }

  @Post('queues/:name/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused stage (audited)' })
  resume(@Param('name') name: string, @Ctx() ctx: RequestContext) {
    return this.queues.setPaused(name, false, ctx);
  }

  @Get('queues/:name/failed')
  @ApiOperation({ summary: 'Failed jobs of a queue (jobs still retrying or exhausted), newest first' })
  failed(@Param('name') name: string, @Query() q: PageQueryDto) {
    return this.queues.failedJobs(name, q.limit ?? 50, q.offset ?? 0);
  }

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
