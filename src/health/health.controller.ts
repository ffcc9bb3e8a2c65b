import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { ApiProblems } from '../common/api-docs.js';
import { UnavailableError } from '../common/errors.js';
import { redactPaths } from '../common/public-message.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { RecordStore } from '../storage/records/record-store.js';
import { HealthDto, HealthIndicatorDto } from './health.dto.js';

const CHECK_TIMEOUT_MS = 3000;

/** Liveness and readiness for orchestrators: one readiness indicator per storage port. */
@ApiTags('health')
@ApiExtraModels(HealthIndicatorDto)
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly records: RecordStore,
    private readonly blobs: BlobStore,
  ) {}

  /** The process is up and serving HTTP; checks no dependency. */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({ summary: 'Liveness', operationId: 'getLiveness' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** The service can do its work: the record store and blob store answer. */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({ summary: 'Readiness', operationId: 'getReadiness' })
  @ApiProblems(503)
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () =>
          this.indicators
            .check('recordStore')
            .attempt(() => this.records.ping())
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('blobStore')
            .attempt(() => this.blobs.ping())
            .withTimeout(CHECK_TIMEOUT_MS),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const down = Object.entries(result.error ?? {}).map(([name, detail]) => {
        const message = (detail as { message?: unknown }).message;
        // Anonymous callers read this: a disk error's path stays in the logs only.
        return `${name}: ${typeof message === 'string' ? redactPaths(message) : 'down'}`;
      });
      throw new UnavailableError(`Not ready: ${down.join('; ')}`);
    }
  }
}
