import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { ForbiddenException, INestApplication, MethodNotAllowedException } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { NextFunction, Request, Response, Router, urlencoded } from 'express';
import { toErrorBody } from '../common/http/http-exception.filter';
import { requestIdOf } from '../common/http/request-id';
import { renderLoginPage, sendHtml } from '../security/auth/dashboard-login.page';
import {
  clearDashboardCookie,
  LACKS_ROLE,
  DASHBOARD_LOGIN_PATH,
  DASHBOARD_LOGOUT_PATH,
  dashboardCookieOf,
  QUEUE_DASHBOARD_PATH,
  wantsHtml,
} from '../security/auth/dashboard-session';
import { DashboardSessions } from '../security/auth/dashboard-sessions.service';
import { registeredQueues } from './registered-queues';

export { QUEUE_DASHBOARD_PATH };

/** The board only reads; every other method is one of its actions (pause, retry, clean, add, …). */
const READ_METHODS = new Set(['GET', 'HEAD']);
/** Served by DashboardSessionController (security), not by the board. */
const SESSION_PAGES = new Set([DASHBOARD_LOGIN_PATH, DASHBOARD_LOGOUT_PATH].map((path) => path.slice(QUEUE_DASHBOARD_PATH.length)));
/** The login form's body: two short fields. */
const LOGIN_FORM_PARSER = urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

/**
 * Bull Board at /admin/queues, read-only (pausing, replaying and discarding go through the
 * audited API), showing every queue the application registered, behind the same JWT checks as
 * the API: a bearer header, or the HttpOnly, SameSite=Strict cookie that the login page
 * (/admin/queues/login) or POST /api/v1/auth/dashboard-session sets. A browser without a session
 * is sent to the login page; any other client gets the JSON 401.
 *
 * Bull Board's read-only mode refuses per-queue actions but answers 200 to "pause all" and
 * "resume all" while doing nothing, so every method other than GET/HEAD is answered 405 here,
 * before the board sees it: an action that is not offered says so, whatever the board version.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: registeredQueues(app.get(DiscoveryService)).map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'OTT Compliance queues', miscLinks: [{ text: 'Sign out', url: DASHBOARD_LOGOUT_PATH }] } },
  });
  const sessions = app.get(DashboardSessions);
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      await sessions.authorize(bearerOf(req) ?? dashboardCookieOf(req));
      next();
    } catch (error) {
      const forbidden = error instanceof ForbiddenException;
      const status = forbidden ? 403 : 401;
      if (wantsHtml(req) && READ_METHODS.has(req.method)) {
        // A person at a browser: the login page says what to do next (a stale cookie goes).
        if (!forbidden) {
          clearDashboardCookie(req, res);
          res.redirect(303, DASHBOARD_LOGIN_PATH);
          return;
        }
        sendHtml(res, 403, renderLoginPage({ error: LACKS_ROLE }));
        return;
      }
      res.status(status).json(toErrorBody(error, requestIdOf(req)));
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
  const board = Router();
  board.use(authenticate, readOnly, adapter.getRouter());
  app.use(DASHBOARD_LOGIN_PATH, LOGIN_FORM_PARSER);
  // The login and logout pages are Nest routes (registered after this): let them through.
  app.use(QUEUE_DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => (SESSION_PAGES.has(req.path) ? next() : board(req, res, next)));
}

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}
