import { describe, expect, it } from '@jest/globals';

import { sniffImageType } from './image-type.js';

describe('sniffImageType', () => {
  it('recognises PNG, JPEG, WebP and GIF by their magic numbers', () => {
    expect(sniffImageType(Buffer.from('89504e470d0a1a0a00', 'hex'))).toBe('image/png');
    expect(sniffImageType(Buffer.from('ffd8ffe000', 'hex'))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe(
      'image/webp',
    );
    expect(sniffImageType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffImageType(Buffer.from('%PDF-1.7'))).toBeNull();
  });

  it('knows nothing of a signature cut short', () => {
    expect(sniffImageType(Buffer.from('89504e470d0a1a', 'hex'))).toBeNull();
    expect(sniffImageType(Buffer.from('ffd8', 'hex'))).toBeNull();
    expect(sniffImageType(Buffer.from('RIFF\x10\x00\x00\x00WEB', 'latin1'))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });
});
