import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { Throttled } from '../throttle/throttled.decorator.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './current-user.decorator.js';
import { ChangePasswordDto, CredentialsDto, RefreshDto } from './dto/credentials.dto.js';
import { MeDto, SessionDto } from './dto/user.dto.js';
import { Public } from './public.decorator.js';
import { RequireScope, SessionOnly } from './scopes.js';

const CREDENTIAL_EXAMPLES = {
  account: {
    summary: 'An account',
    value: { email: 'ada@example.com', password: 'correct horse battery staple' },
  },
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Creates an account and signs it in. E-mails are compared case-insensitively; addresses listed
   * in `ADMIN_EMAILS` register as admins.
   */
  @Public()
  @Post('register')
  @Throttled('register')
  @ApiOperation({ summary: 'Register an account', operationId: 'register' })
  @ApiBody({ type: CredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiProblems(400, 409)
  register(
    @Body() body: CredentialsDto,
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<SessionDto> {
    return this.auth.register(body, userAgent);
  }

  /** Exchanges e-mail and password for a session: an access token and a refresh token. */
  @Public()
  @Post('login')
  @Throttled('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in', operationId: 'login' })
  @ApiBody({ type: CredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiProblems(400, 401)
  login(
    @Body() body: CredentialsDto,
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<SessionDto> {
    return this.auth.login(body, userAgent);
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token, in the same session.
   * Each refresh token works once: one presented again (a copy someone else kept) ends the whole
   * session, for everyone holding its tokens, unless it comes within REFRESH_REUSE_GRACE_SECONDS
   * (10 s by default) of its first use: then it gets another new pair in the same session (two tabs
   * or processes sharing the session refreshed at once). Unknown, expired and revoked tokens get 401.
   */
  @Public()
  @Post('refresh')
  @Throttled('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refresh a session', operationId: 'refreshSession' })
  @ApiProblems(400, 401)
  refresh(@Body() body: RefreshDto): Promise<SessionDto> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends this session: its refresh token and its access tokens stop working at once. */
  @Post('logout')
  @HttpCode(204)
  @ApiAuth()
  @SessionOnly()
  @ApiOperation({ summary: 'Sign out', operationId: 'logout' })
  @ApiNoContentResponse({ description: 'Signed out; no body' })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }

  /** Ends every session of the account, on every device; API keys stay. */
  @Post('logout-all')
  @HttpCode(204)
  @ApiAuth()
  @SessionOnly()
  @ApiOperation({ summary: 'Sign out everywhere', operationId: 'logoutEverywhere' })
  @ApiNoContentResponse({ description: 'Every session ended; no body' })
  logoutAll(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logoutEverywhere(user);
  }

  /**
   * Changes the password. Every session of the account ends, this one too, and every access token
   * issued before stops working; the answer is a new session for the caller. Throttled per client
   * IP and per account, so that a stolen access token is no way to guess the password.
   */
  @Post('password')
  @Throttled('password')
  @HttpCode(200)
  @ApiAuth()
  @SessionOnly()
  @ApiOperation({ summary: 'Change my password', operationId: 'changePassword' })
  @ApiProblems(400)
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() body: ChangePasswordDto,
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<SessionDto> {
    return this.auth.changePassword(user, body, userAgent);
  }

  /** The account the credentials belong to, with its daily image quota. */
  @Get('me')
  @ApiAuth()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'The signed-in account', operationId: 'getMe' })
  @ApiProblems(404)
  me(@CurrentUser() user: AuthUser): Promise<MeDto> {
    return this.auth.me(user.id);
  }
}
