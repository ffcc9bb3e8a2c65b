import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './current-user.decorator.js';
import { CredentialsDto } from './dto/credentials.dto.js';
import { SessionDto, UserDto } from './dto/user.dto.js';
import { Public } from './public.decorator.js';

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
  @ApiOperation({ summary: 'Register an account', operationId: 'register' })
  @ApiBody({ type: CredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiProblems(400, 409)
  register(@Body() body: CredentialsDto): Promise<SessionDto> {
    return this.auth.register(body);
  }

  /** Exchanges e-mail and password for an access token. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in', operationId: 'login' })
  @ApiBody({ type: CredentialsDto, examples: CREDENTIAL_EXAMPLES })
  @ApiProblems(400, 401)
  login(@Body() body: CredentialsDto): Promise<SessionDto> {
    return this.auth.login(body);
  }

  /** The account the token belongs to. */
  @Get('me')
  @ApiAuth()
  @ApiOperation({ summary: 'The signed-in account', operationId: 'getMe' })
  @ApiProblems(404)
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.auth.me(user.id);
  }
}
