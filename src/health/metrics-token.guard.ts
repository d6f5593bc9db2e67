import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>`. Without a configured token
 * it is refused outright (it then stays closed).
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.metricsToken ? Buffer.from(config.metricsToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const offered = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (!this.expected || offered.length !== this.expected.length || !timingSafeEqual(offered, this.expected)) {
      throw new UnauthorizedException('a valid metrics bearer token is required');
    }
    return true;
  }
}
