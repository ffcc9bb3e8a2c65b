import { expect } from '@jest/globals';
import { ProviderError } from '../../src/providers/image-provider.js';

/** The `ProviderError` that `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}
