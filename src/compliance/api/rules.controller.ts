import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { BacktestRuns } from '../backtest/backtest-runs.service';
import { plainDraft, RulesService } from '../rules/rules.service';
import {
  BacktestDto,
  BacktestRunParam,
  RULE_EXAMPLE,
  RuleDraftDto,
  RuleIdParam,
  RuleListQueryDto,
  RuleVersionDto,
} from './compliance.dto';

const READERS = [Role.ComplianceOfficer, Role.Admin, Role.Analyst, Role.Auditor];
const WRITERS = [Role.ComplianceOfficer, Role.Admin];
const BACKTESTERS = [Role.ComplianceOfficer, Role.Admin, Role.Analyst];

@ApiTags('compliance rules')
@Controller('compliance/rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly backtests: BacktestRuns,
  ) {}

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'Current version of each rule (filter by framework and enabled; paged)' })
  list(@Query() q: RuleListQueryDto) {
    return this.rules.list({
      framework: q.framework,
      enabled: q.enabled,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Create a rule (version 1); a rule the rule language refuses is never saved' })
  @ApiBody({ type: RuleDraftDto, examples: { rule: { value: { ...RULE_EXAMPLE, id: 'ACME-GDPR-01' } } } })
  @ApiBadRequestResponse({
    description: 'details name each field and its problem (shape, CEL syntax or types, parameters)',
  })
  @ApiConflictResponse({ description: 'The rule id exists (PUT adds a version)' })
  create(@Body() dto: RuleDraftDto, @Ctx() ctx: RequestContext) {
    return this.rules.create(plainDraft(dto), ctx);
  }

  @Post('backtest')
  @HttpCode(202)
  @Roles(...BACKTESTERS)
  @ApiOperation({
    summary:
      'Queue a back-test: what a draft rule would have flagged on stored events in [from, to), against the current version (counts by day, samples, findings appearing and disappearing). Answers 202 with a run id at once; a worker runs it with a time and memory budget; GET /compliance/rules/backtest/{runId} returns its state and report. Changes no rule or finding (the run is audited).',
  })
  @ApiAcceptedResponse({ description: 'The run, state "queued": poll GET /compliance/rules/backtest/{runId}' })
  @ApiTooManyRequestsResponse({ description: 'The caller already has 3 back-tests queued or running' })
  @ApiBadRequestResponse({
    description: 'details name each problem (range, draft.<field>: shape, CEL syntax or types, expression bounds)',
  })
  @ApiBody({
    type: BacktestDto,
    examples: {
      graceChange: {
        value: { draft: RULE_EXAMPLE, from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' },
      },
    },
  })
  backtest(@Body() dto: BacktestDto, @Ctx() ctx: RequestContext) {
    return this.backtests.request(
      {
        draft: plainDraft(dto.draft),
        from: new Date(dto.from),
        to: new Date(dto.to),
        sampleSize: dto.sampleSize,
      },
      ctx,
    );
  }

  @Get('backtest/:runId')
  @Roles(...BACKTESTERS)
  @ApiOperation({
    summary:
      'A back-test run: state (queued, running, succeeded, failed), the report once it succeeded, or why it failed (e.g. it exceeded its time or memory budget)',
  })
  @ApiNotFoundResponse({ description: 'No such run' })
  backtestRun(@Param() p: BacktestRunParam) {
    return this.backtests.get(p.runId);
  }

  @Get(':ruleId')
  @Roles(...READERS)
  @ApiOperation({ summary: 'The current version of a rule and the list of all its versions' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  get(@Param() p: RuleIdParam) {
    return this.rules.get(p.ruleId);
  }

  @Get(':ruleId/health')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Rule health: recent batches in which the rule spent more than its evaluation budget (RULE_BUDGET_MS_PER_BATCH) and was skipped for the rest of the batch',
  })
  @ApiNotFoundResponse({ description: 'No such rule' })
  health(@Param() p: RuleIdParam) {
    return this.rules.health(p.ruleId);
  }

  @Put(':ruleId')
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Add a new version of a rule (the whole definition); older versions are kept and findings keep their version',
  })
  @ApiBody({ type: RuleVersionDto, examples: { rule: { value: { ...RULE_EXAMPLE, id: undefined } } } })
  @ApiOkResponse({ description: 'The new current version' })
  @ApiNotFoundResponse({ description: 'No such rule' })
  update(@Param() p: RuleIdParam, @Body() dto: RuleVersionDto, @Ctx() ctx: RequestContext) {
    return this.rules.addVersion(p.ruleId, plainDraft(dto), ctx);
  }

  @Post(':ruleId/enable')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Enable the current version (workers pick it up on their next batch)' })
  enable(@Param() p: RuleIdParam, @Ctx() ctx: RequestContext) {
    return this.rules.setEnabled(p.ruleId, true, ctx);
  }

  @Post(':ruleId/disable')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Disable the rule: no more findings from it (workers pick it up on their next batch)',
  })
  disable(@Param() p: RuleIdParam, @Ctx() ctx: RequestContext) {
    return this.rules.setEnabled(p.ruleId, false, ctx);
  }
}
