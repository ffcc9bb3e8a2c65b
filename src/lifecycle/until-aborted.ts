/**
 * `promise`, or a rejection with `signal`'s reason as soon as it aborts, whichever comes first:
 * the caller stops waiting at its deadline even when the work ignores the signal. The work itself
 * goes on unobserved (its late failure is swallowed here, never an unhandled rejection).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
