import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ProviderListDto } from './dto/provider.dto.js';
import { ProvidersService } from './providers.service.js';

@ApiTags('providers')
@Controller('providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  /** Every image provider: whether it is configured, its models, sizes and limits. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'List image providers', operationId: 'listProviders' })
  list(): ProviderListDto {
    return this.providers.list();
  }
}
