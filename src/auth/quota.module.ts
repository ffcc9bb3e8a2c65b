import { Global, Module } from '@nestjs/common';
import { GenerationQuota } from './generation-quota.js';

/**
 * The quota every generation passes through, wherever it starts (a request, a schedule): global,
 * like the record-store ports it counts in.
 */
@Global()
@Module({ providers: [GenerationQuota], exports: [GenerationQuota] })
export class QuotaModule {}
