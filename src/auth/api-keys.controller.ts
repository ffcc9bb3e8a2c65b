import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ApiKeysService } from './api-keys.service.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { SessionOnly } from './scopes.js';

/** API keys are managed from a signed-in session only: a leaked key cannot mint more keys. */
@ApiTags('auth')
@ApiAuth()
@SessionOnly()
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /**
   * Makes an API key for a REST client: send it as `Authorization: Bearer ifk_…`. It may do what
   * its scopes allow, as you; the key is in this answer only. At most 20 keys at once.
   */
  @Post()
  @ApiOperation({ summary: 'Create an API key', operationId: 'createApiKey' })
  @ApiBody({
    type: CreateApiKeyDto,
    examples: {
      readOnly: { summary: 'Read my images', value: { name: 'backup', scopes: ['images:read'] } },
      generator: {
        summary: 'Generate and read',
        value: { name: 'nightly job', scopes: ['generations:write', 'images:read'] },
      },
    },
  })
  @ApiProblems(400, 409)
  create(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(user, body);
  }

  /** My API keys that are not revoked, newest first; never the keys themselves. */
  @Get()
  @ApiOperation({ summary: 'List my API keys', operationId: 'listApiKeys' })
  list(@CurrentUser() user: AuthUser): Promise<ApiKeyListDto> {
    return this.apiKeys.list(user);
  }

  /** Revokes one of my API keys: its next request gets 401. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', operationId: 'revokeApiKey' })
  @ApiNoContentResponse({ description: 'Revoked; no body' })
  @ApiProblems(400, 404)
  revoke(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(user, id);
  }
}
