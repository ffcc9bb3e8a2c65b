import { describe, expect, it } from '@jest/globals';
import { ProviderError, type ProviderRequest } from '../providers/image-provider.js';
import { OfflineImageProvider } from '../providers/offline/offline.image-provider.js';
import { meteredProvider } from './metered-image-provider.js';
import { Metrics } from './metrics.js';

const request = (signal: AbortSignal, model = 'poster-v1'): ProviderRequest => ({
  prompt: 'a lighthouse',
  negativePrompt: null,
  model,
  width: 256,
  height: 256,
  n: 1,
  seed: 1,
  quality: null,
  style: null,
  signal,
});

async function value(metrics: Metrics, name: string, labels: Record<string, string>) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as {
    metricName?: string;
    labels: Record<string, unknown>;
    value: number;
  }[];
  return values
    .filter((v) => (v.metricName ?? name) === (name.endsWith('_total') ? name : `${name}_count`))
    .filter((v) => Object.entries(labels).every(([key, label]) => v.labels[key] === label))
    .reduce((sum, v) => sum + v.value, 0);
}

/** The real offline renderer, metered: its calls' time and failures, by who ended them. */
describe('meteredProvider', () => {
  it('times a call, and tells apart cancel, our time limit and the provider refusing', async () => {
    const metrics = new Metrics();
    const provider = meteredProvider(new OfflineImageProvider(2_000), metrics);
    const fast = meteredProvider(new OfflineImageProvider(0), metrics);
    expect(provider.name).toBe('offline');

    expect(await fast.generate(request(new AbortController().signal))).toHaveLength(1);
    const canceled = new AbortController();
    const running = provider.generate(request(canceled.signal));
    canceled.abort(new Error('canceled'));
    await expect(running).rejects.toThrow();
    await expect(provider.generate(request(AbortSignal.timeout(10)))).rejects.toThrow();
    const refusing = meteredProvider(
      Object.assign(new OfflineImageProvider(0), {
        generate: () => Promise.reject(new ProviderError('content_policy', 'refused', false)),
      }),
      metrics,
    );
    await expect(refusing.generate(request(new AbortController().signal))).rejects.toThrow(
      ProviderError,
    );

    const duration = 'image_forge_provider_request_duration_seconds';
    const errors = 'image_forge_provider_errors_total';
    const offline = { provider: 'offline', model: 'poster-v1' };
    expect(await value(metrics, duration, { ...offline, outcome: 'ok' })).toBe(1);
    expect(await value(metrics, duration, { ...offline, outcome: 'error' })).toBe(3);
    expect(await value(metrics, errors, { provider: 'offline', code: 'aborted' })).toBe(1);
    expect(await value(metrics, errors, { provider: 'offline', code: 'timeout' })).toBe(1);
    expect(await value(metrics, errors, { provider: 'offline', code: 'content_policy' })).toBe(1);
  });

  it('labels a model the provider does not declare as other', async () => {
    const metrics = new Metrics();
    const refusing = meteredProvider(
      Object.assign(new OfflineImageProvider(0), {
        generate: () => Promise.reject(new Error('boom')),
      }),
      metrics,
    );
    await expect(
      refusing.generate(request(new AbortController().signal, 'user text 0193')),
    ).rejects.toThrow('boom');
    const duration = 'image_forge_provider_request_duration_seconds';
    expect(await value(metrics, duration, { model: 'other', outcome: 'error' })).toBe(1);
    expect(await value(metrics, duration, { model: 'user text 0193' })).toBe(0);
    expect(
      await value(metrics, 'image_forge_provider_errors_total', { code: 'internal_error' }),
    ).toBe(1);
  });
});
