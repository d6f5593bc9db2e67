import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../security/auth.decorators';
import { HealthService, Readiness } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer; 503 names the failing one' })
  @ApiOkResponse({ description: 'Both dependencies are up' })
  @ApiServiceUnavailableResponse({ description: 'At least one dependency is down; its check says why' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness & { message?: string }> {
    const readiness = await this.health.readiness();
    if (readiness.status === 'ok') return readiness;
    const failing = Object.entries(readiness.checks)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    res.status(503);
    return { ...readiness, message: `not ready: ${failing.join(', ')} down` };
  }
}
