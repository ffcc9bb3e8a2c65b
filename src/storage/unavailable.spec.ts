/**
 * Which store failures are "cannot serve now" (503 `storage-unavailable`), on the SDKs' own error
 * classes, and the wrapper that turns them into `StorageUnavailableError`s.
 */
import { describe, expect, it } from '@jest/globals';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { AbortError, ErrorResponse, TimeoutError } from '@azure/cosmos';
import { RestError } from '@azure/storage-blob';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { NotFoundError, StorageUnavailableError } from '../common/errors.js';
import { azureUnavailable } from './blobs/azure.blob-store.js';
import { s3Unavailable } from './blobs/s3.blob-store.js';
import { cosmosUnavailable } from './records/cosmos/cosmos.database.js';
import { mongoUnavailable } from './records/mongo/mongo.database.js';
import { networkFailure, statusFailure, translatingUnavailable } from './unavailable.js';

const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, syscall: 'connect' });

describe('networkFailure', () => {
  it('finds a socket code on the error, in its causes, and in the attempts of an AggregateError', () => {
    expect(networkFailure(socketError('ECONNREFUSED'))).toBe('it cannot be reached (ECONNREFUSED)');
    expect(
      networkFailure(new Error('fetch failed', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } })),
    ).toBe('it cannot be reached (UND_ERR_CONNECT_TIMEOUT)');
    expect(
      networkFailure(new AggregateError([new Error('x'), socketError('EHOSTUNREACH')], 'x')),
    ).toBe('it cannot be reached (EHOSTUNREACH)');
  });

  it("finds a code named in a re-wrapped error's message, as Node words it", () => {
    expect(
      networkFailure(new Error('AWS SDK error wrapper for Error: connect ECONNRESET 10.0.0.1:443')),
    ).toBe('it cannot be reached (ECONNRESET)');
    expect(networkFailure(new Error('NOTECONNREFUSED happened'))).toBeUndefined();
  });

  it('says nothing of other errors, and stops on a cycle of causes', () => {
    const cyclic: { cause?: unknown; code?: string } = { code: 'ENOENT' };
    cyclic.cause = cyclic;
    for (const error of [new Error('boom'), { code: 'ENOENT' }, cyclic, null, 'ECONN', 42]) {
      expect(networkFailure(error)).toBeUndefined();
    }
  });
});

describe('statusFailure', () => {
  it('reads 408, 429 and 500/502/503/504 as unavailable, and nothing else', () => {
    expect([408, 429, 500, 502, 503, 504].map(statusFailure).every(Boolean)).toBe(true);
    for (const status of [200, 400, 401, 403, 404, 409, 412, 501, undefined, '503']) {
      expect(statusFailure(status)).toBeUndefined();
    }
  });
});

describe('translatingUnavailable', () => {
  class Adapter {
    readonly name = 'adapter';
    constructor(private readonly failure: unknown) {}
    async read(): Promise<string> {
      throw this.failure;
    }
    write(): string {
      throw this.failure;
    }
    async who(): Promise<string> {
      return this.name;
    }
  }
  const wrap = (failure: unknown) =>
    translatingUnavailable(new Adapter(failure), 'blobStore', (error) =>
      error === 'down' || error instanceof NotFoundError ? 'it is down' : undefined,
    );

  it('turns an explained rejection, or throw, into a 503 naming the store, with the cause kept', async () => {
    const failure = await wrap('down')
      .read()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect(failure).toMatchObject({
      store: 'blobStore',
      reason: 'it is down',
      cause: 'down',
      message: 'The blob store is unavailable: it is down',
    });
    expect(() => wrap('down').write()).toThrow(StorageUnavailableError);
  });

  it("passes other errors and our own unchanged, and the adapter's results and fields", async () => {
    const bug = new TypeError('bug');
    await expect(wrap(bug).read()).rejects.toBe(bug);
    const notFound = new NotFoundError('No such blob');
    await expect(wrap(notFound).read()).rejects.toBe(notFound);
    await expect(wrap('down').who()).resolves.toBe('adapter');
    expect(wrap('down').name).toBe('adapter');
  });
});

describe("each cloud adapter's reading of its SDK's errors", () => {
  it('Azure Blob: the socket code, REQUEST_SEND_ERROR, our read timeout, 429 and 5xx; not 404 or 412', () => {
    expect(azureUnavailable(new RestError('x', { code: 'ECONNREFUSED' }))).toBeDefined();
    expect(azureUnavailable(new RestError('x', { code: 'REQUEST_SEND_ERROR' }))).toBeDefined();
    expect(azureUnavailable(new AbortError('The operation was aborted.'))).toBe('it timed out');
    expect(azureUnavailable(new RestError('x', { statusCode: 503 }))).toBeDefined();
    expect(azureUnavailable(new RestError('x', { statusCode: 429 }))).toBeDefined();
    expect(azureUnavailable(new RestError('x', { statusCode: 404 }))).toBeUndefined();
    expect(azureUnavailable(new RestError('x', { statusCode: 412 }))).toBeUndefined();
  });

  it('S3: the socket error, TimeoutError, our read timeout, SlowDown and 5xx; not NoSuchKey', () => {
    const s3 = (name: string, httpStatusCode: number) =>
      new S3ServiceException({ name, $fault: 'server', $metadata: { httpStatusCode } });
    expect(s3Unavailable(socketError('ECONNREFUSED'))).toBeDefined();
    expect(s3Unavailable(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBeDefined();
    // STORE_READ_TIMEOUT_MS aborts the request: the SDK rejects with an AbortError.
    expect(s3Unavailable(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(
      'it timed out',
    );
    expect(s3Unavailable(s3('SlowDown', 503))).toBeDefined();
    expect(s3Unavailable(s3('InternalError', 500))).toBeDefined();
    expect(s3Unavailable(s3('NoSuchKey', 404))).toBeUndefined();
    expect(s3Unavailable(s3('AccessDenied', 403))).toBeUndefined();
  });

  it('Cosmos DB: the socket code, its TimeoutError, our read timeout, 408, 429 and 5xx; not 404, 409 or 412', () => {
    const cosmos = (code: number) => Object.assign(new ErrorResponse('x'), { code });
    expect(
      cosmosUnavailable(Object.assign(new ErrorResponse('x'), { code: 'ECONNREFUSED' })),
    ).toBeDefined();
    expect(cosmosUnavailable(new TimeoutError('x'))).toBe('it timed out');
    // STORE_READ_TIMEOUT_MS aborts the read: the SDK throws the pipeline's AbortError.
    expect(cosmosUnavailable(new AbortError('The operation was aborted.'))).toBe('it timed out');
    for (const code of [408, 429, 500, 503]) expect(cosmosUnavailable(cosmos(code))).toBeDefined();
    for (const code of [404, 409, 412]) expect(cosmosUnavailable(cosmos(code))).toBeUndefined();
  });

  it('MongoDB: network and server-selection errors; not a duplicate key', () => {
    expect(mongoUnavailable(new MongoNetworkError('x'))).toBeDefined();
    expect(mongoUnavailable(new MongoServerSelectionError('x', {} as never))).toBeDefined();
    expect(
      mongoUnavailable(Object.assign(new Error('x'), { name: 'MongooseServerSelectionError' })),
    ).toBeDefined();
    expect(
      mongoUnavailable(
        Object.assign(new Error('E11000'), { name: 'MongoServerError', code: 11000 }),
      ),
    ).toBeUndefined();
  });
});
