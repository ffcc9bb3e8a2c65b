import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/**
 * Whether this process is draining: from the first SIGTERM on, readiness answers 503 (so load
 * balancers stop sending work) and new jobs are refused with 503 + Retry-After, while running jobs
 * get their grace (`GracefulShutdown`).
 */
@Injectable()
export class ProcessLifecycle implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProcessLifecycle.name);
  private drainingSince?: number;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  drain(): void {
    this.drainingSince ??= Date.now();
  }

  /**
   * Draining, once the workers have settled (their grace is over): connections still open (event
   * streams, slow clients) are closed, else closing the HTTP server would wait for them.
   */
  beforeApplicationShutdown(): void {
    if (!this.draining) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.closeAllConnections) return;
    this.logger.log({ drainedMs: Date.now() - this.drainingSince! }, 'closing open connections');
    server.closeAllConnections();
  }
}
