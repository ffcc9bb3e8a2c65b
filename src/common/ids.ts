import { v7 as uuidv7, validate, version } from 'uuid';

/** A new time-sortable id (UUIDv7): ids sort by creation time, which keeps indexes append-only. */
export function newId(): string {
  return uuidv7();
}

export function isId(value: string): boolean {
  return validate(value) && version(value) === 7;
}
