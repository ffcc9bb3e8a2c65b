import { Body, Controller, Get, Param, Patch, Put, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { UserDto } from '../auth/dto/user.dto.js';
import { RequireScope } from '../auth/scopes.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { LogLevels } from '../common/logging.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ImageListDto } from '../gallery/dto/image.dto.js';
import { GenerationListDto } from '../generations/dto/generation.dto.js';
import { AdminService } from './admin.service.js';
import {
  AdminGenerationQueryDto,
  AdminImageQueryDto,
  AdminUserListDto,
  AdminUserQueryDto,
  LogLevelDto,
  SetLogLevelDto,
  UpdateUserDto,
} from './dto/admin.dto.js';

/** Admins only: anyone else's credentials get 403 here. */
@ApiTags('admin')
@ApiAuth()
@RequireScope('admin')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly logLevels: LogLevels,
  ) {}

  /** Every account, newest first; `email` finds accounts by part of their address. */
  @Get('users')
  @ApiOperation({ summary: 'List accounts', operationId: 'adminListUsers' })
  @ApiProblems(400)
  listUsers(@Query() query: AdminUserQueryDto): Promise<AdminUserListDto> {
    return this.admin.listUsers(query);
  }

  /**
   * Disables or enables an account, or changes its role. A disabled account's sessions end, and its
   * tokens and API keys get 401 from their next request on. Admins cannot disable or demote
   * themselves (409).
   */
  @Patch('users/:id')
  @ApiOperation({ summary: 'Update an account', operationId: 'adminUpdateUser' })
  @ApiBody({ type: UpdateUserDto })
  @ApiProblems(400, 404, 409)
  updateUser(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.admin.updateUser(user, id, body);
  }

  /** Everyone's images, private ones too, newest first, with the filters of my history. */
  @Get('images')
  @ApiOperation({ summary: 'List every image', operationId: 'adminListImages' })
  @ApiProblems(400)
  listImages(@Query() query: AdminImageQueryDto): Promise<ImageListDto> {
    return this.admin.listImages(query);
  }

  /** Everyone's generations, newest first, optionally only one state or one account's. */
  @Get('generations')
  @ApiOperation({ summary: 'List every generation', operationId: 'adminListGenerations' })
  @ApiProblems(400)
  listGenerations(@Query() query: AdminGenerationQueryDto): Promise<GenerationListDto> {
    return this.admin.listGenerations(query);
  }

  /** The level the replica that answers logs at, and the one it started at (`LOG_LEVEL`). */
  @Get('log-level')
  @ApiOperation({ summary: "Read a replica's log level", operationId: 'adminGetLogLevel' })
  getLogLevel(): LogLevelDto {
    return LogLevelDto.from(this.logLevels);
  }

  /**
   * Changes the level the replica that answers logs at, at once and until it restarts (then
   * `LOG_LEVEL` holds again): `debug` while looking into a problem, say, and back. The change is
   * logged at `warn`, with who made it. Each replica has its own level: the answer names the one
   * that changed.
   */
  @Put('log-level')
  @ApiOperation({ summary: "Change a replica's log level", operationId: 'adminSetLogLevel' })
  @ApiBody({ type: SetLogLevelDto })
  @ApiProblems(400)
  setLogLevel(@CurrentUser() user: AuthUser, @Body() body: SetLogLevelDto): LogLevelDto {
    this.logLevels.set(body.level, user.id);
    return LogLevelDto.from(this.logLevels);
  }
}
