import { wrapMethods } from '../common/method-proxy.js';
import type { Metrics } from './metrics.js';

/**
 * `port` (a record-store repository, or the `RecordStore` itself) with every method that returns
 * a promise timed into `image_forge_record_store_operation_duration_seconds`, labelled by the
 * port's name and the method's: both come from our code, so the label set is bounded. One wrapper
 * for every port and backend, as the factory builds them; `port` itself when metrics are off.
 */
export function meteredRecordPort<T extends object>(
  port: T,
  repository: string,
  metrics: Metrics | undefined,
): T {
  if (!metrics) return port;
  return wrapMethods(port, (operation, call) => (...args) => {
    const stop = metrics.recordDuration.startTimer({ repository, operation });
    let result: unknown;
    try {
      result = call(...args);
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
    if (!(result instanceof Promise)) return result;
    return result.then(
      (resolved: unknown) => {
        stop({ outcome: 'ok' });
        return resolved;
      },
      (error: unknown) => {
        stop({ outcome: 'error' });
        throw error;
      },
    );
  });
}
