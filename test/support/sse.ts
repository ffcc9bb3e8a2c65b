import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/**
 * Opens an SSE stream on the app's real HTTP server and collects events until the server ends the
 * stream (or `timeoutMs` passes, which rejects).
 */
export async function readSse(
  app: NestFastifyApplication,
  path: string,
  headers: Record<string, string>,
  // Well inside Jest's 60 s, with room for a loaded CI machine (a job's run is seconds).
  timeoutMs = 45_000,
): Promise<{ status: number; contentType: string; events: SseEvent[]; body: string }> {
  const server = app.getHttpServer();
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    let body = '';
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            events: parseSse(body),
            body,
          });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      // The last event says where the job stood, for whoever reads the failure.
      const last = parseSse(body).at(-1)?.data ?? 'none';
      reject(
        new Error(`SSE stream ${path} did not end within ${timeoutMs} ms; last event: ${last}`),
      );
    }, timeoutMs);
    req.on('error', reject);
    req.end();
  });
}

function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon);
        const value = line.slice(colon + 1).replace(/^ /, '');
        fields[name] =
          name === 'data' && fields.data !== undefined ? `${fields.data}\n${value}` : value;
      }
      return { id: fields.id, event: fields.event, data: fields.data ?? '' };
    });
}
