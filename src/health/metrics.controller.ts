import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Response } from 'express';
import { Public } from '../security/auth.decorators';
import { MetricsTokenGuard } from './metrics-token.guard';

/** Prometheus exposition; outside the user role model, behind its own scrape token. */
@ApiTags('metrics')
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @Public()
  @UseGuards(MetricsTokenGuard)
  @ApiBearerAuth('metrics-token')
  @ApiOperation({ summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN)' })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}
