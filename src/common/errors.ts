/** A field at fault, as problem details report it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * Errors services throw. They know nothing of HTTP: the one problem+json filter maps each kind to
 * a status code.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'validation-failed';
  static field(field: string, message: string): ValidationError {
    return new ValidationError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

/** Answered 429; `retryAfterSeconds` becomes the `Retry-After` header. */
export class QuotaExceededError extends DomainError {
  readonly code = 'quota-exceeded';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class RangeNotSatisfiableError extends DomainError {
  readonly code = 'range-not-satisfiable';
  constructor(readonly size: number) {
    super(`The requested range is outside the ${size} bytes of this object`);
  }
}

/** Answered 429 like a quota, for requests made too often (throttling); with `Retry-After`. */
export class TooManyRequestsError extends DomainError {
  readonly code = 'too-many-requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Answered 503; `retryAfterSeconds` becomes the `Retry-After` header. */
export class UnavailableError extends DomainError {
  readonly code: string = 'unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
  }
}

/** Which store a `StorageUnavailableError` is about, as readiness names it. */
export type StoreName = 'recordStore' | 'blobStore';

/**
 * A store that cannot take the request now (disk full, quota, read-only file system, locked or
 * failing I/O): the adapter's own error, translated. Answered 503; the message names the store but
 * never a path, and the original error stays in `cause` (logged, never sent).
 */
export class StorageUnavailableError extends UnavailableError {
  override readonly code = 'storage-unavailable';
  constructor(
    readonly store: StoreName,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The ${store === 'recordStore' ? 'record' : 'blob'} store is unavailable: ${reason}`, 30);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
