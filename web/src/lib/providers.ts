import { api, unwrap, type Provider } from './api.ts';

let cached: Promise<Provider[]> | null = null;

/** `GET /providers`, once per page load (it changes only with the service's configuration). */
export function loadProviders(): Promise<Provider[]> {
  cached ??= api
    .GET('/api/v1/providers')
    .then((result) => unwrap(result).items)
    .catch((error: unknown) => {
      cached = null;
      throw error;
    });
  return cached;
}
