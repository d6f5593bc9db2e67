import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../security/audit/audit-log.service';
import { Roles } from '../../security/auth.decorators';
import { auditActor, Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { AnalyticsService } from '../analytics.service';
import { resolveRange } from '../domain/time-range';
import { RollupMaintainer } from '../rollups/rollup-maintainer';
import { ROLLUP_REBUILD_TASK } from '../rollups/rollup-schedule';
import { ScheduledTaskRuns } from '../../pipeline/scheduled-task-runs.service';
import {
  EventsQueryDto,
  PerformanceQueryDto,
  TimeRangeQueryDto,
  TopRiskQueryDto,
  ViewerParamDto,
  ViolationTrendsQueryDto,
} from './analytics.dto';

const READERS = [Role.Analyst, Role.ComplianceOfficer, Role.Auditor, Role.Admin];

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly rollups: RollupMaintainer,
    private readonly audit: AuditLog,
    private readonly taskRuns: ScheduledTaskRuns,
  ) {}

  @Get('events')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Event counts per hour or day × type or country (from the hourly rollup), paged' })
  events(@Query() q: EventsQueryDto) {
    return this.analytics.events(
      resolveRange(q.from, q.to),
      q.bucket ?? 'hour',
      q.groupBy ?? 'type',
      { type: q.type, country: q.country },
      { limit: q.limit ?? 200, offset: q.offset ?? 0 },
    );
  }

  @Get('violations/trends')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Violations opened (by first_seen) and resolved (by resolved_at) per UTC day, framework and severity, paged',
  })
  violationTrends(@Query() q: ViolationTrendsQueryDto) {
    return this.analytics.violationTrends(
      resolveRange(q.from, q.to),
      { framework: q.framework, severity: q.severity },
      { limit: q.limit ?? 200, offset: q.offset ?? 0 },
    );
  }

  @Get('compliance/posture')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Posture per framework and overall: the share of active viewers (events in the window) with no case open at its end, ' +
      'the age of open cases (median, p90, oldest), opened vs resolved, and the previous window of the same length; ' +
      'the answer carries its formula and inputs',
  })
  posture(@Query() q: TimeRangeQueryDto) {
    return this.analytics.posture(resolveRange(q.from, q.to));
  }

  @Get('viewers/top-risk')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Viewers by current risk score, highest first, with tier, segment and top factors; paged',
  })
  topRisk(@Query() q: TopRiskQueryDto) {
    return this.analytics.topRisk({ limit: q.limit ?? 50, offset: q.offset ?? 0 }, q.tier);
  }

  @Get('viewers/:userId/risk-history')
  @Roles(...READERS)
  @ApiOperation({
    summary: "One viewer's highest and last risk score per day (audited read: analytics.viewer.read)",
  })
  riskHistory(@Param() p: ViewerParamDto, @Query() q: TimeRangeQueryDto, @Ctx() ctx: RequestContext) {
    return this.analytics.riskHistory(p.userId, resolveRange(q.from, q.to), ctx);
  }

  @Get('ml')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'Score distribution, risk tiers, behaviour segments, the active model, flagged viewers per day',
  })
  ml(@Query() q: TimeRangeQueryDto) {
    return this.analytics.ml(resolveRange(q.from, q.to));
  }

  @Get('pipeline/performance')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Throughput, per-stage batch time, end-to-end latency, dead letters (window) and live queue depth',
  })
  performance(@Query() q: PerformanceQueryDto) {
    return this.analytics.pipelinePerformance(resolveRange(q.from, q.to), q.bucket ?? 'hour');
  }

  @Get('rollups')
  @Roles(...READERS, Role.Operator)
  @ApiOperation({
    summary: 'How far each rollup has folded its source (watermark, lag) and when it was last rebuilt',
  })
  rollupStatus() {
    return this.rollups.status();
  }

  @Post('rollups/rebuild')
  @HttpCode(202)
  @Roles(Role.Admin)
  @ApiOperation({
    summary: 'Recompute every rollup from the raw tables, as a job on a worker (one transaction; audited)',
    description: 'Answers 202 with a run id; GET /api/v1/pipeline/tasks/runs/{runId} tells its state and result.',
  })
  async rebuild(@Ctx() ctx: RequestContext) {
    const run = await this.taskRuns.runOnDemand(ROLLUP_REBUILD_TASK, ctx);
    await this.audit.append({
      ...auditActor(ctx),
      action: 'analytics.rollups.rebuild',
      targetType: 'rollups',
      targetId: 'all',
      details: { runId: run.runId },
    });
    return run;
  }
}
