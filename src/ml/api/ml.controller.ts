import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../security/auth.decorators';
import { Ctx, RequestContext } from '../../security/principal';
import { Role } from '../../security/roles';
import { RiskInsights } from '../insights/risk-insights.service';
import { ModelsService } from '../models/models.service';
import { TrainingService } from '../models/training.service';
import {
  ModelsQueryDto,
  ModelVersionParam,
  requestLabels,
  requestWeights,
  TrainingRunIdParam,
  TrainingRunsQueryDto,
  TrainModelDto,
  ViewerIdParam,
} from './ml.dto';

const READERS = [Role.Admin, Role.ComplianceOfficer, Role.Analyst, Role.Auditor];

@ApiTags('ml')
@Controller('ml')
export class MlController {
  constructor(
    private readonly insightsService: RiskInsights,
    private readonly models: ModelsService,
    private readonly training: TrainingService,
  ) {}

  @Get('users/:userId/risk')
  @Roles(Role.Admin, Role.ComplianceOfficer, Role.Analyst)
  @ApiOperation({
    summary:
      "A viewer's risk: factors, score, per-factor contributions, tier, model version and detector (audited read)",
  })
  viewerRisk(@Param() p: ViewerIdParam, @Ctx() ctx: RequestContext) {
    return this.insightsService.viewerRisk(p.userId, ctx);
  }

  @Get('insights')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'Score histogram, tiers and segments, the factors behind flagged viewers, factor drift (PSI) since training',
  })
  insights() {
    return this.insightsService.insights();
  }

  @Get('models')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Model versions, newest first, with their parameters and evaluation metrics' })
  listModels(@Query() q: ModelsQueryDto) {
    return this.models.list(q.limit ?? 50, q.offset ?? 0);
  }

  @Get('models/:version')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'One model version: parameters, training window, sample size, metrics (ROC-AUC, AP, precision and recall per detector)',
  })
  getModel(@Param() p: ModelVersionParam) {
    return this.models.get(p.version);
  }

  @Post('models/train')
  @HttpCode(202)
  @Roles(Role.Admin)
  @ApiOperation({
    summary: 'Queue the training of a new (inactive) model version on the factor snapshots of a window',
  })
  @ApiAcceptedResponse({ description: 'The training run, queued; follow it at GET /ml/training-runs/{id}' })
  train(@Body() body: TrainModelDto, @Ctx() ctx: RequestContext) {
    return this.training.request(
      {
        windowStart: body.windowStart ? new Date(body.windowStart) : undefined,
        windowEnd: body.windowEnd ? new Date(body.windowEnd) : undefined,
        seed: body.seed,
        maxSamples: body.maxSamples,
        treeCount: body.treeCount,
        subsampleSize: body.subsampleSize,
        neighbourCount: body.neighbourCount,
        lofReferenceSampleSize: body.lofReferenceSampleSize,
        weights: requestWeights(body),
        labels: requestLabels(body),
        holdOut: body.holdOut && {
          windowStart: new Date(body.holdOut.windowStart),
          windowEnd: new Date(body.holdOut.windowEnd),
          labels: requestLabels(body.holdOut, 'holdOut.') ?? { positive: [], negative: [] },
        },
      },
      ctx,
    );
  }

  @Post('models/:version/activate')
  @HttpCode(200)
  @Roles(Role.Admin)
  @ApiOperation({
    summary: 'Make this version the active model, atomically (audited); workers switch on their next batch',
  })
  activate(@Param() p: ModelVersionParam, @Ctx() ctx: RequestContext) {
    return this.models.activate(p.version, ctx);
  }

  @Get('training-runs')
  @Roles(...READERS)
  @ApiOperation({ summary: 'Recent training runs and their outcome' })
  runs(@Query() q: TrainingRunsQueryDto) {
    return this.training.runs(q.limit ?? 20);
  }

  @Get('training-runs/:id')
  @Roles(...READERS)
  @ApiOperation({
    summary:
      'One training run: queued, running, succeeded (with its model version) or failed (with the reason)',
  })
  run(@Param() p: TrainingRunIdParam) {
    return this.training.run(p.id);
  }
}
