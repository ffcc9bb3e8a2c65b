import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CredentialThrottleGuard } from './credential-throttle.guard.js';
import { InMemoryRateLimiter, RateLimiter } from './rate-limiter.js';

/**
 * Throttling of the routes that take credentials (`@Throttled`), so that nobody guesses passwords
 * or opens accounts at the speed of the network, nor queues password hashing without end. Counts
 * live in this replica's memory until a shared store comes with Redis.
 */
@Module({
  providers: [
    { provide: RateLimiter, useFactory: () => new InMemoryRateLimiter() },
    { provide: APP_GUARD, useClass: CredentialThrottleGuard },
  ],
})
export class ThrottleModule {}
