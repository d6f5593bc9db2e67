import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication, MethodNotAllowedException, UnauthorizedException } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { JwtService } from '@nestjs/jwt';
import { Queue } from 'bullmq';
import { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { toErrorBody } from '../common/http/http-exception.filter';
import { requestIdOf } from '../common/http/request-id';
import { DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH } from '../security/auth/dashboard-session';
import { INVALID_TOKEN, JwtStrategy } from '../security/auth/jwt.strategy';
import { Role } from '../security/roles';
import { MAINTENANCE_QUEUE } from './maintenance.constants';
import { ALL_QUEUES, BackgroundQueueName } from './pipeline.constants';

const DASHBOARD_ROLES = [Role.Operator, Role.Admin];
/** The board only reads; every other method is one of its actions (pause, retry, clean, add, …). */
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Bull Board at /admin/queues, read-only (pausing, replaying and discarding go through the
 * audited API), behind the same JWT checks as the API: a bearer header, or the HttpOnly,
 * SameSite=Strict cookie that POST /api/v1/auth/dashboard-session sets for browsers (Secure when
 * the request came over TLS, as Express sees it through TRUSTED_PROXIES).
 *
 * Bull Board's read-only mode refuses per-queue actions but answers 200 to "pause all" and
 * "resume all" while doing nothing, so every method other than GET/HEAD is answered 405 here,
 * before the board sees it: an action that is not offered says so, whatever the board version.
 */
export function mountQueueDashboard(app: INestApplication, config: AppConfig): void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = [...ALL_QUEUES, MAINTENANCE_QUEUE, BackgroundQueueName.backtest].map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'OTT Compliance queues' } },
  });
  const jwt = app.get(JwtService);
  const strategy = app.get(JwtStrategy);
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearerOf(req) ?? cookieOf(req, DASHBOARD_COOKIE);
      if (!token) throw new UnauthorizedException('authentication required');
      const claims = await jwt.verifyAsync(token, {
        secret: config.jwt.secret,
        algorithms: ['HS256'],
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
      });
      const principal = await strategy.validate(claims);
      if (!principal.roles.some((role) => DASHBOARD_ROLES.includes(role))) {
        res.status(403).json({ statusCode: 403, error: 'Forbidden', message: `requires one of the roles: ${DASHBOARD_ROLES.join(', ')}`, requestId: requestIdOf(req) });
        return;
      }
      next();
    } catch (error) {
      // jsonwebtoken's reasons name the issuer and audience it expected: only our own messages go out.
      const message = error instanceof UnauthorizedException ? error.message : INVALID_TOKEN;
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message, requestId: requestIdOf(req) });
    }
  };
  const readOnly = (req: Request, res: Response, next: NextFunction) => {
    if (READ_METHODS.has(req.method)) return next();
    res
      .status(405)
      .set('Allow', 'GET, HEAD')
      .json(
        toErrorBody(
          new MethodNotAllowedException(
            'the queue dashboard is read-only; pause, resume and failed jobs are handled through the audited API under /api/v1/pipeline/queues',
          ),
          requestIdOf(req),
        ),
      );
  };
  app.use(QUEUE_DASHBOARD_PATH, authenticate, readOnly, adapter.getRouter());
}

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
