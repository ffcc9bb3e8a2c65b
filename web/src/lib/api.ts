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

// A token the server no longer accepts (expired, secret rotated): sign out, so pages ask again.
api.use({
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('Authorization')) {
      session.clear('Your session has ended: sign in again.');
    }
    return response;
  },
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
