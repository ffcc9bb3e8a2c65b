import { IsIn, IsString, Matches } from 'class-validator';
import {
  IsIntegerVar,
  NonEmptyString,
  OptionalString,
  OptionalUrl,
  RequiredWhen,
  RequiredWith,
} from './env.decorators.js';
import type { EnvironmentVariables } from './env.schema.js';

/**
 * The variables of the paid providers (OpenAI, Replicate) and of fetching their outputs: part of
 * `EnvironmentVariables`, which extends this class, kept apart so each file stays readable.
 */
export abstract class ProviderVariables {
  // --- OpenAI (IMAGE_PROVIDER=openai, PROMPT_STRATEGY=llm) ----------------------------------------

  @RequiredWith('IMAGE_PROVIDER', 'openai')
  @RequiredWith('PROMPT_STRATEGY', 'llm')
  @RequiredWhen(
    'AUTO_GENERATE_STRATEGY=llm',
    (vars: EnvironmentVariables) =>
      vars.AUTO_GENERATE_CRON !== undefined && vars.AUTO_GENERATE_STRATEGY === 'llm',
  )
  @OptionalString()
  OPENAI_API_KEY?: string;

  /** OpenAI API base URL; point it at an OpenAI-compatible server (or a test fake). */
  @OptionalUrl()
  OPENAI_BASE_URL?: string;

  /** Default image model: gpt-image-1, dall-e-3 or dall-e-2. */
  @IsIn(['gpt-image-1', 'dall-e-3', 'dall-e-2'])
  OPENAI_IMAGE_MODEL = 'gpt-image-1';

  /** Chat model of the `llm` prompt strategy. */
  @NonEmptyString()
  OPENAI_PROMPT_MODEL = 'gpt-4o-mini';

  /** OpenAI image calls one replica makes at once. */
  @IsIntegerVar(1)
  OPENAI_CONCURRENCY = 2;

  /** OpenAI images one replica asks for per minute (a burst queues instead of failing). */
  @IsIntegerVar(1)
  OPENAI_IMAGES_PER_MINUTE = 5;

  // --- Replicate (IMAGE_PROVIDER=replicate) -------------------------------------------------------

  @RequiredWith('IMAGE_PROVIDER', 'replicate')
  @OptionalString()
  REPLICATE_API_TOKEN?: string;

  /** Replicate API base URL (a test fake, or a proxy). */
  @OptionalUrl()
  REPLICATE_BASE_URL?: string;

  /** `owner/name` or `owner/name:version`, e.g. black-forest-labs/flux-schnell. */
  @Matches(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{64})?$/, {
    message: 'REPLICATE_MODEL must be owner/name or owner/name:version',
  })
  REPLICATE_MODEL = 'black-forest-labs/flux-schnell';

  @IsIntegerVar(1)
  REPLICATE_CONCURRENCY = 2;

  @IsIntegerVar(1)
  REPLICATE_IMAGES_PER_MINUTE = 10;

  /** How long to wait for a prediction before canceling it, in ms. */
  @IsIntegerVar(1000)
  REPLICATE_PREDICTION_TIMEOUT_MS = 300_000;

  /** Hosts provider outputs may be downloaded from (`*.` for subdomains), comma-separated. */
  @IsString()
  REPLICATE_DOWNLOAD_HOSTS = 'replicate.delivery,*.replicate.delivery';

  @IsString()
  OPENAI_DOWNLOAD_HOSTS = '*.blob.core.windows.net';

  /** Largest provider download, in bytes. */
  @IsIntegerVar(1024)
  DOWNLOAD_MAX_BYTES = 50 * 1024 * 1024;

  /** Time limit of one provider download, in ms. */
  @IsIntegerVar(100)
  DOWNLOAD_TIMEOUT_MS = 60_000;
}
