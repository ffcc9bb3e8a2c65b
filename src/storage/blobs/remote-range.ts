/**
 * What the stores over HTTP (Azure Blob, S3) share: blob info from what the server says, and
 * ranged reads (what was asked, what the server sent).
 */
import { pipeline, Readable, Transform } from 'node:stream';
import type { ByteRange } from '../../common/http-range.js';
import type { BlobInfo, BlobRead } from './blob-store.js';

/** What a blob's content type is when the server keeps none. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** A blob's info from the properties a server sent, with defaults for those it left out. */
export function blobInfo(
  key: string,
  properties: { contentLength?: number; contentType?: string; lastModified?: Date },
): BlobInfo {
  return {
    key,
    size: properties.contentLength ?? 0,
    contentType: properties.contentType ?? DEFAULT_CONTENT_TYPE,
    lastModified: properties.lastModified ?? new Date(0),
  };
}

/** A server's answer to a read: its body, and what its headers say. */
export interface ReadAnswer {
  readonly body: Readable | undefined;
  readonly contentLength?: number;
  readonly contentType?: string;
  readonly contentRange?: string;
}

/**
 * The read a server's `answer` makes: the whole blob, or exactly `range` of it. An answer to a
 * ranged read without Content-Range holds the whole blob where the server (`server`, for errors)
 * may ignore Range, and is an error where it may not.
 */
export function toBlobRead(
  key: string,
  answer: ReadAnswer,
  range: ByteRange | undefined,
  server: { readonly name: string; readonly mayIgnoreRange: boolean },
): BlobRead {
  const stream = answer.body ?? Readable.from([]);
  const contentType = answer.contentType ?? DEFAULT_CONTENT_TYPE;
  const sent = parseContentRange(answer.contentRange);
  const size = sent?.size ?? answer.contentLength ?? 0;
  if (!range) return { stream, size, contentType };
  if (!sent && !server.mayIgnoreRange) {
    stream.destroy();
    throw new Error(`${server.name} sent no Content-Range for a ranged read of ${key}`);
  }
  const held = sent?.held ?? { start: 0, end: size - 1 };
  return { stream: fitToRange(key, stream, held, size, range), size, contentType };
}

/** Refuses a range no blob could hold, before any request is made. */
export function assertRangeShape(key: string, range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Range ${start}-${end} of ${key} is not a byte range`);
  }
}

export function outsideError(key: string, range: ByteRange, size?: number): RangeError {
  const of = size === undefined ? key : `${key} (${size} bytes)`;
  return new RangeError(`Range ${range.start}-${range.end} is outside ${of}`);
}

/** `bytes 100-199/1000` → the range held and the size of the whole blob. */
export function parseContentRange(
  header: string | undefined,
): { readonly held: ByteRange; readonly size: number } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  return { held: { start: Number(match[1]), end: Number(match[2]) }, size: Number(match[3]) };
}

/**
 * The bytes `wanted` out of a response `stream` that holds bytes `held`. Servers may send more than
 * was asked (s3rver answers `bytes=0-0` with the whole blob; a server may ignore Range and send
 * 200), and a real server clips a range that runs past the end: the caller gets exactly `wanted`
 * or a RangeError, never a different slice.
 */
export function fitToRange(
  key: string,
  stream: Readable,
  held: ByteRange,
  size: number,
  wanted: ByteRange,
): Readable {
  if (wanted.end >= size) {
    stream.destroy();
    throw outsideError(key, wanted, size);
  }
  if (held.start === wanted.start && held.end === wanted.end) return stream;
  if (held.start > wanted.start || held.end < wanted.end) {
    stream.destroy();
    throw new Error(
      `Asked for bytes ${wanted.start}-${wanted.end} of ${key}, got ${held.start}-${held.end}`,
    );
  }
  let position = held.start;
  const slice = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const from = Math.max(wanted.start - position, 0);
      const to = Math.min(wanted.end + 1 - position, chunk.length);
      position += chunk.length;
      done(null, to > from ? chunk.subarray(from, to) : undefined);
    },
  });
  // Errors on either side end both; the callback only keeps them from going unhandled.
  return pipeline(stream, slice, () => undefined);
}
