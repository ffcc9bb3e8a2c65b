/**
 * An error's message as it may be shown to anyone: absolute file-system paths (which a failing
 * disk puts into Node's messages, e.g. `EACCES: permission denied, open '/srv/data/blobs/…'`) are
 * replaced, so no response tells a caller where the data lives.
 */
export function publicMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactPaths(message);
}

/** Replaces absolute POSIX and Windows paths in `text` with `<path>`. */
export function redactPaths(text: string): string {
  return text
    .replace(/(^|[\s'"(=:])\/(?:[^\s'"():]+\/?)+/g, '$1<path>')
    .replace(/(^|[\s'"(=:])[A-Za-z]:\\[^\s'"()]*/g, '$1<path>');
}
