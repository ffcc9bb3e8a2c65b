import type { StoreName } from '../common/errors.js';
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
import { ProcessLifecycle } from '../lifecycle/process-lifecycle.js';
import { RunMonitor } from '../lifecycle/run-monitor.js';
import { BlobStore } from '../storage/blobs/blob-store.js';
import { RecordStore } from '../storage/records/record-store.js';
import { DiskSpace } from './disk-space.js';
import { HealthDto, HealthIndicatorDto } from './health.dto.js';

const CHECK_TIMEOUT_MS = 3000;

/**
 * Liveness and readiness for orchestrators. Readiness: one indicator per storage port (it answers,
 * takes writes, and its disk has room), the process (not shutting down) and the worker (no run
 * stuck past its deadline).
 */
@ApiTags('health')
@ApiExtraModels(HealthIndicatorDto)
@Public()
@Controller('health')
export class HealthController {
  /** The readiness check under way, if any. */
  private running?: Promise<HealthCheckResult>;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly records: RecordStore,
    private readonly blobs: BlobStore,
    private readonly disk: DiskSpace,
    private readonly lifecycle: ProcessLifecycle,
    private readonly runs: RunMonitor,
  ) {}

  /** The process is up and serving HTTP; checks no dependency. */
  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({ summary: 'Liveness', operationId: 'getLiveness' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * The service can do its work: the record store and blob store answer and their disks have
   * room, it is not shutting down, and no job run is stuck past its deadline.
   */
  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthDto })
  @ApiOperation({ summary: 'Readiness', operationId: 'getReadiness' })
  @ApiProblems(503)
  ready(): Promise<HealthCheckResult> {
    // Probes that arrive while a check runs (an orchestrator, load balancers, a healthcheck) share
    // its answer: the stores see one probe at a time, however many ask.
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.storeCheck('recordStore', () => this.records.ping()),
        () => this.storeCheck('blobStore', () => this.blobs.ping()),
        () =>
          this.indicators.check('process').attempt(() => {
            if (this.lifecycle.draining) throw new Error('shutting down');
          }),
        () =>
          this.indicators.check('worker').attempt(() => {
            const stuck = this.runs.stuck();
            if (stuck.length === 0) return;
            const seconds = Math.round(stuck[0].overdueMs / 1000);
            throw new Error(
              `${stuck.length} job run(s) still unsettled ${seconds} s past the deadline`,
            );
          }),
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

  /** A store answers its ping and its disk (when local) has room, checked at once, in time. */
  private storeCheck(store: StoreName, ping: () => Promise<void>) {
    return this.indicators
      .check(store)
      .attempt(async () => {
        const outcomes = await Promise.allSettled([ping(), this.disk.check(store)]);
        // The ping's failure first, whichever settles first: it says more (the disk is full, the
        // folder is gone) than a low free-space figure.
        const failed = outcomes.find((outcome) => outcome.status === 'rejected');
        if (failed) throw failed.reason;
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}
