import { createClient, isClient, type ClientOptions, type ImageForgeClient } from './client.js';
import { ProblemError, toProblem } from './problem.js';
import type { Generation, GenerationStatus } from './types.js';

const TERMINAL: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled'];
/** Reconnections in a row that brought no event before giving up. */
const MAX_SILENT_CONNECTIONS = 3;

export interface FollowOptions {
  /** Aborting ends the iteration quietly. */
  signal?: AbortSignal;
}

/**
 * Follows a generation over server-sent events: yields the job as it is now, then each change,
 * and ends after the one in a terminal status (`succeeded`, `failed`, `canceled`).
 *
 * It reads the stream with fetch rather than `EventSource`, which cannot send the bearer token.
 * When the stream ends early (a proxy's idle timeout, a restart), it reconnects; the server
 * starts each stream with the job's current state. A non-2xx answer throws a ProblemError
 * (404 for a job that is not yours).
 */
export async function* followGeneration(
  client: ImageForgeClient | ClientOptions,
  id: string,
  options: FollowOptions = {},
): AsyncGenerator<Generation, void, undefined> {
  const api = isClient(client) ? client : createClient(client);
  const { signal } = options;
  let retryMs = 1000;
  let silent = 0;
  while (!signal?.aborted) {
    let heard = false;
    try {
      const { data, error, response } = await api.GET('/api/v1/generations/{id}/events', {
        params: { path: { id } },
        headers: { Accept: 'text/event-stream' },
        parseAs: 'stream',
        signal,
      });
      if (!response.ok) throw new ProblemError(toProblem(error, response), response);
      for await (const event of readEvents(data)) {
        if (event.retry !== undefined) retryMs = event.retry;
        if (event.data === '') continue;
        if (event.event === 'error') throw new Error(`generation ${id}: ${event.data}`);
        const generation = JSON.parse(event.data) as Generation;
        heard = true;
        yield generation;
        if (TERMINAL.includes(generation.status)) return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    silent = heard ? 0 : silent + 1;
    if (silent >= MAX_SILENT_CONNECTIONS) {
      throw new Error(`the event stream of generation ${id} keeps ending without news`);
    }
    await pause(retryMs, signal);
  }
}

interface SseEvent {
  event: string;
  data: string;
  retry?: number;
}

/** Server-sent events as the WHATWG parsing rules read them (comments skipped, `data` joined). */
async function* readEvents(
  body: ReadableStream<Uint8Array> | null | undefined,
): AsyncGenerator<SseEvent, void, undefined> {
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let retry: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A '\r' at the end may be the first half of a '\r\n' still on its way.
      const held = !done && buffer.endsWith('\r') ? '\r' : '';
      const lines = buffer.slice(0, buffer.length - held.length).split(/\r\n|\r|\n/);
      // The last piece is an unfinished line, unless the stream has ended.
      buffer = done ? '' : (lines.pop() ?? '') + held;
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0 || retry !== undefined) {
            yield { event: event || 'message', data: data.join('\n'), retry };
          }
          event = '';
          data = [];
          retry = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
