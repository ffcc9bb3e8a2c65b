import { ApiProperty } from '@nestjs/swagger';
import { INTEGER } from '../../common/api-enums.js';

export class ProviderModelDto {
  id: string;
  description: string;
  /** Accepted sizes, `WIDTHxHEIGHT`. */
  sizes: string[];
  defaultSize: string;
  /** Most images one generation may ask for. */
  @ApiProperty({ ...INTEGER, minimum: 1 })
  maxN: number;
  supportsSeed: boolean;
  supportsNegativePrompt: boolean;
  /** Accepted `quality` values; empty when the model takes none. */
  qualities: string[];
  /** Accepted `style` values; empty when the model takes none. */
  styles: string[];
}

export class ProviderLimitsDto {
  /** Calls one replica makes at once. */
  @ApiProperty({ ...INTEGER, minimum: 1 })
  concurrency: number;
  /** Images one replica asks for per minute; a burst queues instead of failing. */
  @ApiProperty({ ...INTEGER, minimum: 1 })
  imagesPerMinute: number;
}

export class ProviderDto {
  /** The name to pass as `provider` in a generation. */
  name: string;
  description: string;
  /** Whether it is used when a generation names no provider. */
  isDefault: boolean;
  /** Whether it can be used now. */
  configured: boolean;
  /** Environment variables to set to make it usable. */
  missing: string[];
  defaultModel: string;
  models: ProviderModelDto[];
  /** Local rate limits (per replica), for providers that have them. */
  limits?: ProviderLimitsDto;
}

export class ProviderListDto {
  items: ProviderDto[];
}
