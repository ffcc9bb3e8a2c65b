import { createClient, ProblemError, unwrap, type components } from '@image-forge/sdk';
import { session } from './session.ts';

export { unwrap, ProblemError };
export type { Image, Generation, Schedule, Problem } from '@image-forge/sdk';

type Schemas = components['schemas'];
export type User = Schemas['UserDto'];
export type Provider = Schemas['ProviderDto'];
export type ProviderModel = Schemas['ProviderModelDto'];
export type CreateGeneration = Schemas['CreateGenerationDto'];
export type CreateSchedule = Schemas['CreateScheduleDto'];
export type UpdateSchedule = Schemas['UpdateScheduleDto'];
export type ScheduleRun = Schemas['ScheduleRunDto'];
export type ImageList = Schemas['ImageListDto'];

/** The one way this app talks to the service: the SDK, with the signed-in user's token. */
export const api = createClient({ baseUrl: '', token: () => session.token() });

/** For the session routes themselves: no token, and no renewal around them. */
const anonymous = createClient({ baseUrl: '' });

let renewing: Promise<boolean> | null = null;

/**
 * Exchanges the refresh token for a new pair, one exchange at a time across this app's tabs: they
 * share the session (localStorage), so two of them seeing its access token expire at once would
 * present one refresh token twice, which ends the session once the server's reuse grace has passed
 * (REFRESH_REUSE_GRACE_SECONDS). False when the session cannot be renewed.
 */
function renew(): Promise<boolean> {
  const presented = session.get()?.refreshToken;
  renewing ??= oneTabAtATime(async () => {
    // Another tab may have renewed while this one waited: its pair is in IndexedDB.
    const value = await session.reload();
    if (!value) return false;
    if (value.refreshToken !== presented && !session.stale()) return true;
    const { data } = await anonymous.POST('/api/v1/auth/refresh', {
      body: { refreshToken: value.refreshToken },
    });
    // Written before the lock is released, for the tab that takes it next.
    if (data) await session.set(data);
    return data !== undefined;
  })
    .catch(() => false)
    .finally(() => (renewing = null));
  return renewing;
}

/**
 * Runs `task` holding the app's refresh lock, which its tabs share (Web Locks). Pages served over
 * plain HTTP from a host other than localhost have no Web Locks: there the server's reuse grace is
 * what keeps two tabs refreshing at once signed in.
 */
async function oneTabAtATime<T>(task: () => Promise<T>): Promise<T> {
  if (!('locks' in navigator)) return task();
  return await navigator.locks.request('image-forge.refresh', task);
}

/** Copies of the requests sent with a token, to send again once after a renewal. */
const retries = new WeakMap<Request, Request>();

const withToken = (request: Request): Request => {
  const token = session.token();
  if (token) request.headers.set('Authorization', `Bearer ${token}`);
  return request;
};

api.use({
  async onRequest({ request }) {
    if (!request.headers.has('Authorization')) return request;
    // An access token about to expire is renewed first, rather than refused.
    if (session.stale()) await renew();
    const sent = withToken(request);
    retries.set(sent, sent.clone());
    return sent;
  },
  // A token the server refuses (expired, or its session ended): renew once and send the request
  // again; if that fails too, sign out, so pages ask again.
  async onResponse({ request, response }) {
    if (response.status !== 401 || !request.headers.has('Authorization')) return response;
    const retry = retries.get(request);
    if (retry && (await renew())) {
      const again = await fetch(withToken(retry));
      if (again.status !== 401) return again;
    }
    session.clear('Your session has ended: sign in again.');
    return response;
  },
});

// Signing out ends the session on the server too, so that its tokens stop working everywhere.
session.onSignOut((ended) => {
  void anonymous
    .POST('/api/v1/auth/logout', { headers: { Authorization: `Bearer ${ended.token}` } })
    .catch(() => undefined);
});

/** An error as a sentence for people: the problem's `detail`, with the fields at fault. */
export function describeError(error: unknown): string {
  if (error instanceof ProblemError) {
    const { detail, errors = [] } = error.problem;
    const fields = errors
      .filter((e) => !detail.includes(e.message))
      .map((e) => `${e.field}: ${e.message}`);
    const text = [detail, ...fields].join(' ');
    return error.status >= 500 && error.problem.requestId
      ? `${text} (request ${error.problem.requestId})`
      : text;
  }
  if (error instanceof TypeError) {
    return 'The service could not be reached. Check your connection, then try again.';
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether an error is a 404 (missing, or another user's private object). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ProblemError && error.status === 404;
}

/** Runs `task` over `items`, a few at a time; returns the errors of those that failed. */
export async function forEachLimited<T>(
  items: readonly T[],
  task: (item: T) => Promise<void>,
  concurrency = 4,
): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failures.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return failures;
}
