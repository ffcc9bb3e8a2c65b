import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc` is exposed to contexts made after the flag is set: the test process needs no --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full garbage collection of this process now. */
export function forceGc(): void {
  gc();
}

/**
 * Runs `work` while collecting garbage every `everyMs`: what only fails when an object is
 * collected mid-way (a weakly held timer signal) fails every time, not only under a loaded suite.
 */
export async function whileCollecting<T>(work: () => Promise<T>, everyMs = 250): Promise<T> {
  const timer = setInterval(gc, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
