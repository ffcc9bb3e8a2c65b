import { hostname } from 'node:os';
import { v7 as uuidv7, validate, version } from 'uuid';

/** A new time-sortable id (UUIDv7): ids sort by creation time, which keeps indexes append-only. */
export function newId(): string {
  return uuidv7();
}

export function isId(value: string): boolean {
  return validate(value) && version(value) === 7;
}

/**
 * This process among the service's replicas: its host (a container's is its id, a pod's its name)
 * and pid. Shown where an answer or a record depends on which replica made it.
 */
export const INSTANCE = `${hostname()}:${process.pid}`;
