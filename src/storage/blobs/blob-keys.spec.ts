import { describe, expect, it } from '@jest/globals';

import { newId } from '../../common/ids.js';
import { assertValidKey, imageKey, InvalidBlobKeyError, thumbnailKey } from './blob-keys.js';

describe('blob keys', () => {
  const id = newId();
  const createdAt = '2026-11-05T10:20:30.123Z';

  it('files an image under images/<year>/<month>/<id>.png', () => {
    const key = imageKey(id, createdAt);

    expect(key).toBe(`images/2026/11/${id}.png`);
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it('keeps the extension it is given', () => {
    expect(imageKey(id, createdAt, 'webp')).toBe(`images/2026/11/${id}.webp`);
  });

  it('files a thumbnail under thumbnails/<year>/<month>/<id>.webp', () => {
    const key = thumbnailKey(id, createdAt);

    expect(key).toBe(`thumbnails/2026/11/${id}.webp`);
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each([
    ['a single segment', 'file.png'],
    ['dots, dashes and underscores inside a segment', 'a_b/c-d/e.f.g'],
  ])('accepts %s', (_, key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it('accepts keys up to 512 characters', () => {
    expect(() => assertValidKey('a'.repeat(512))).not.toThrow();
  });

  it.each([
    ['an empty key', ''],
    ['parent traversal', 'images/../../etc/passwd'],
    ['a leading parent', '../secret'],
    ['a current-directory segment', 'images/./x.png'],
    ['a hidden file', 'images/.env'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows path', 'C:\\Windows\\win.ini'],
    ['a backslash traversal', 'images\\..\\x.png'],
    ['a percent-encoded traversal', 'images/%2e%2e/x.png'],
    ['an encoded slash', 'images%2Fx.png'],
    ['a NUL byte', 'images/x.png\0.txt'],
    ['a newline', 'images/x\n.png'],
    ['an empty segment', 'images//x.png'],
    ['a trailing slash', 'images/'],
    ['a space', 'images/x y.png'],
    ['a non-ASCII character', 'images/ｘ.png'],
    ['a key over 512 characters', 'a'.repeat(513)],
  ])('rejects %s', (_, key) => {
    expect(() => assertValidKey(key)).toThrow(InvalidBlobKeyError);
  });
});
