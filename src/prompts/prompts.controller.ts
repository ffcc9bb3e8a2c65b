import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
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
  @ApiOperation({ summary: 'Make a prompt', operationId: 'createPrompt' })
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
