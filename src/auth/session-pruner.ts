import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task.js';
import { AuthConfig } from '../config/config-slices.js';
import { SessionsRepository } from '../storage/records/sessions.repository.js';

/** Slack for clocks that differ between replicas, on top of the access tokens' lifetime. */
const CLOCK_MARGIN_MS = 60_000;

/**
 * Deletes the refresh tokens that can no longer sign anyone in (each refresh leaves one behind, so
 * without this the store grows with every session's every refresh): expired ones, and whole ended
 * sessions once every access token naming them has expired (`SessionsRepository.prune`).
 *
 * It prunes at boot and every SESSION_PRUNE_INTERVAL_MS. Each replica prunes on its own clock,
 * without a lease: deleting what another replica just deleted is a no-op.
 */
@Injectable()
export class SessionPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionPruner.name);
  private readonly prunes = new PeriodicTask(
    (now) => this.pruneOnce(now),
    this.logger,
    'pruning sessions failed',
  );

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.prunes.soon();
    this.prunes.every(this.config.sessionPruneIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.prunes.stop();
  }

  /** Prunes as of `now`; returns how many tokens went. Calls coalesce. */
  prune(now = Date.now()): Promise<number> {
    return this.prunes.run(now);
  }

  private async pruneOnce(now: number): Promise<number> {
    // No access token issued before this instant is still valid (they live ttlSeconds).
    const cutoff = new Date(now - this.config.ttlSeconds * 1000 - CLOCK_MARGIN_MS);
    const deleted = await this.sessions.prune(cutoff.toISOString());
    if (deleted > 0) this.logger.log({ count: deleted }, 'pruned ended sessions');
    return deleted;
  }
}
