import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { RequireScope } from '../auth/scopes.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { CreatePromptDto, PromptDatasetsDto, PromptDto } from './dto/prompt.dto.js';
import { PromptsService } from './prompts.service.js';

@ApiTags('prompts')
@Controller('prompts')
export class PromptsController {
  constructor(private readonly prompts: PromptsService) {}

  /** Makes a prompt without drawing it: try strategies, themes and seeds before generating. */
  @Post()
  @HttpCode(200)
  @ApiAuth()
  @RequireScope('generations:write')
  @ApiOperation({ summary: 'Make a prompt', operationId: 'createPrompt' })
  @ApiBody({
    type: CreatePromptDto,
    required: false,
    examples: {
      random: { summary: 'A random prompt', value: {} },
      theme: {
        summary: 'On a theme, reproducibly',
        value: { strategy: 'random', theme: 'lighthouse', seed: 7 },
      },
    },
  })
  @ApiProblems(400)
  create(@Body() body: CreatePromptDto): Promise<PromptDto> {
    return this.prompts.preview(body);
  }

  /** The curated word datasets the `random` strategy picks from. */
  @Public()
  @Get('datasets')
  @ApiOperation({ summary: 'List prompt datasets', operationId: 'listPromptDatasets' })
  datasets(): PromptDatasetsDto {
    return this.prompts.datasets();
  }
}
