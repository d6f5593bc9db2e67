import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DASHBOARD_COOKIE, QUEUE_DASHBOARD_PATH } from './dashboard-session';
import { Role } from '../roles';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public, Roles } from '../auth.decorators';
import { Ctx, RequestContext } from '../principal';
import { LoginThrottle } from '../throttling/throttling';
import { LoginDto, RefreshDto, TokenPairDto } from './auth.dto';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  private readonly accessTtlSeconds: number;

  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.accessTtlSeconds = config.jwt.accessTtlSeconds;
  }

  @Post('login')
  @HttpCode(200)
  @LoginThrottle()
  @ApiOperation({ summary: 'Exchange e-mail and password for an access token and a refresh token' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid email or password (same answer and time for unknown accounts)' })
  @ApiTooManyRequestsResponse({ description: 'More than 10 attempts a minute from this IP or for this account' })
  login(@Body() dto: LoginDto, @Ctx() ctx: RequestContext, @Headers('user-agent') ua?: string): Promise<TokenPairDto> {
    return this.auth.login(dto.email, dto.password, ctx, ua);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token; reusing an already-rotated one revokes the whole session' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshDto, @Ctx() ctx: RequestContext, @Headers('user-agent') ua?: string): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, ctx, ua);
  }

  @Post('dashboard-session')
  @Public(false)
  @Roles(Role.Operator, Role.Admin)
  @HttpCode(204)
  @ApiOperation({
    summary: 'For browsers: put the bearer token in an HttpOnly, SameSite=Strict cookie scoped to the queue dashboard (/admin/queues)',
  })
  @ApiNoContentResponse()
  dashboardSession(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    const token = (req.headers.authorization ?? '').slice('Bearer '.length);
    res.cookie(DASHBOARD_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: QUEUE_DASHBOARD_PATH,
      maxAge: this.accessTtlSeconds * 1000,
    });
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the session of this refresh token' })
  @ApiNoContentResponse()
  async logout(@Body() dto: RefreshDto, @Ctx() ctx: RequestContext): Promise<void> {
    await this.auth.logout(dto.refreshToken, ctx);
  }
}
