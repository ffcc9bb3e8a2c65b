import createFetchClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema.js';

export interface ClientOptions {
  /**
   * Origin of the service, e.g. `https://forge.example.com`. Default `''`: the same origin (the
   * dashboard). The paths already start with `/api/v1`.
   */
  baseUrl?: string;
  /**
   * The access token to send as `Authorization: Bearer <token>`, asked for on every request (so a
   * refreshed token is picked up); nothing is sent when it returns null, undefined or ''.
   */
  token?: () => string | null | undefined;
  /** A fetch to use instead of the global one (tests, instrumentation). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** An openapi-fetch client typed by the spec: `client.GET('/api/v1/images/{id}', ...)`. */
export type ImageForgeClient = Client<paths>;

export function createClient(options: ClientOptions = {}): ImageForgeClient {
  const client = createFetchClient<paths>({
    baseUrl: options.baseUrl ?? '',
    headers: options.headers,
    fetch: options.fetch,
  });
  if (options.token) client.use(bearer(options.token));
  return client;
}

/** Adds the bearer token, unless the request already carries an Authorization header. */
function bearer(token: () => string | null | undefined): Middleware {
  return {
    onRequest({ request }) {
      const value = token();
      if (value && !request.headers.has('Authorization')) {
        request.headers.set('Authorization', `Bearer ${value}`);
      }
      return request;
    },
  };
}

export function isClient(value: ImageForgeClient | ClientOptions): value is ImageForgeClient {
  return typeof (value as Partial<ImageForgeClient>).GET === 'function';
}
