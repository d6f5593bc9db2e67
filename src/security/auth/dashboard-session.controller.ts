import {
  ArgumentsHost,
  Body,
  CanActivate,
  Catch,
  Controller,
  ExceptionFilter,
  ExecutionContext,
  ForbiddenException,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Injectable,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { toErrorBody } from '../../common/http/http-exception.filter';
import { requestIdOf } from '../../common/http/request-id';
import { Public } from '../auth.decorators';
import { Ctx, RequestContext } from '../principal';
import { LoginThrottle } from '../throttling/throttling';
import { LoginDto } from './auth.dto';
import { renderLoginPage, renderLogoutPage, sendHtml } from './dashboard-login.page';
import {
  clearDashboardCookie,
  DASHBOARD_LOGIN_PATH,
  dashboardCookieOf,
  LACKS_ROLE,
  isSameOrigin,
  QUEUE_DASHBOARD_PATH,
  setDashboardCookie,
  wantsHtml,
} from './dashboard-session';
import { DashboardSessions } from './dashboard-sessions.service';

const WRONG_CREDENTIALS = 'Invalid e-mail or password.';
const FOREIGN_ORIGIN = 'the form was not sent from this site';

/** Refuses a form POST that did not come from one of our own pages (login CSRF, forced logout). */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (isSameOrigin(header(req.headers.origin), header(req.headers.referer), req.host)) return true;
    throw new ForbiddenException(FOREIGN_ORIGIN);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Errors raised before the handler (throttling, validation, the CSRF check) go back to a browser
 * as the form with the reason, and to any other client as the usual JSON error body.
 */
@Catch(HttpException)
export class LoginPageErrors implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception, requestIdOf(req));
    if (res.headersSent) return;
    if (!wantsHtml(req)) {
      res.status(body.statusCode).json(body);
      return;
    }
    const reason = body.statusCode === HttpStatus.FORBIDDEN ? `Refused: ${body.message}. Open the login page and try again.` : `${sentence(body.message)}`;
    sendHtml(res, body.statusCode, renderLoginPage({ error: reason }));
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed ? `${trimmed[0].toUpperCase()}${trimmed.slice(1)}${/[.!?]$/.test(trimmed) ? '' : '.'}` : 'The request was refused.';
}

/**
 * The queue dashboard's login and logout pages, for people with a browser (API clients use
 * POST /api/v1/auth/login and POST /api/v1/auth/dashboard-session). Outside Swagger: these are
 * HTML forms, not API operations.
 */
@ApiExcludeController()
@Public()
@UseFilters(LoginPageErrors)
@Controller(QUEUE_DASHBOARD_PATH.slice(1))
export class DashboardSessionController {
  constructor(private readonly sessions: DashboardSessions) {}

  @Get('login')
  loginPage(@Req() req: Request, @Res() res: Response): void {
    const signedOut = req.query['signed-out'] !== undefined;
    sendHtml(res, 200, renderLoginPage(signedOut ? { notice: 'You have signed out.' } : {}));
  }

  /** Wrong credentials answer 401 and a locked-out role 403, each with the form again. */
  @Post('login')
  @LoginThrottle()
  @UseGuards(SameOriginGuard)
  async login(
    @Body() dto: LoginDto,
    @Ctx() ctx: RequestContext,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('user-agent') userAgent?: string,
  ): Promise<void> {
    let token: string;
    try {
      token = await this.sessions.open(dto.email, dto.password, ctx, userAgent);
    } catch (error) {
      if (error instanceof UnauthorizedException) return sendHtml(res, 401, renderLoginPage({ error: WRONG_CREDENTIALS, email: dto.email }));
      if (error instanceof ForbiddenException) return sendHtml(res, 403, renderLoginPage({ error: LACKS_ROLE, email: dto.email }));
      throw error;
    }
    setDashboardCookie(req, res, token, this.sessions.ttlSeconds);
    res.redirect(303, QUEUE_DASHBOARD_PATH);
  }

  @Get('logout')
  logoutPage(@Res() res: Response): void {
    sendHtml(res, 200, renderLogoutPage());
  }

  @Post('logout')
  @UseGuards(SameOriginGuard)
  async logout(@Ctx() ctx: RequestContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.close(dashboardCookieOf(req), ctx);
    clearDashboardCookie(req, res);
    res.redirect(303, `${DASHBOARD_LOGIN_PATH}?signed-out`);
  }
}
