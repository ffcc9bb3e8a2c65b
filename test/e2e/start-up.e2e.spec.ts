/**
 * What the service loads at start on its embedded defaults: no SDK of an adapter it does not use,
 * and not sharp, which the default renderer imports when it first draws.
 * Each SDK below is replaced by a module that records its import, so a static import of one
 * anywhere in the app shows here (the positive control imports one itself).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestApp } from '../support/app.js';

const SDKS = [
  'openai',
  'replicate',
  '@azure/storage-blob',
  '@azure/cosmos',
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  '@aws-sdk/s3-request-presigner',
  'mongoose',
  'bullmq',
  'ioredis',
  // libvips, for the offline renderer: loaded when it first draws.
  'sharp',
];
const imported = new Set<string>();
for (const sdk of SDKS) {
  jest.unstable_mockModule(sdk, () => {
    imported.add(sdk);
    return { default: class {} };
  });
}

describe('start-up on embedded defaults', () => {
  let t: TestApp;

  beforeAll(async () => {
    const { startApp } = await import('../support/app.js');
    t = await startApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('imports no SDK of an adapter it does not use, and serves', async () => {
    expect((await t.http.get('/api/v1/images')).status).toBe(200);
    const providers = await t.http.get('/api/v1/providers');
    expect(providers.status).toBe(200);
    expect([...imported]).toEqual([]);
  });

  it('would see an import of one (the control)', async () => {
    await import('openai');
    expect([...imported]).toEqual(['openai']);
  });
});
