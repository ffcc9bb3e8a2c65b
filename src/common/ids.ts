import { hostname } from 'node:os';
import { v7 as uuidv7 } from 'uuid';

/** A new time-sortable id (UUIDv7): ids sort by creation time, which keeps indexes append-only. */
export function newId(): string {
  return uuidv7();
}

/**
 * A UUIDv7 as `uuid`'s `validate` and `version` read one (any case; RFC 9562's variant), in one
 * regular expression: the two of them, a test of every UUID version's pattern and then a parse of
 * the version digit, were ~0.6 µs of a cached thumbnail's answer in a CPU profile (its id is checked
 * first).
 */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
  return UUID_V7.test(value);
}

/**
 * This process among the service's replicas: its host (a container's is its id, a pod's its name)
 * and pid. Shown where an answer or a record depends on which replica made it.
 */
export const INSTANCE = `${hostname()}:${process.pid}`;
