import { describe, expect, it } from '@jest/globals';
import { publicMessage, redactPaths } from './public-message.js';

describe('public messages', () => {
  it('redacts absolute paths from what a failing disk says', () => {
    expect(
      publicMessage(new Error("EACCES: permission denied, open '/srv/data/blobs/.tmp/x.png'")),
    ).toBe("EACCES: permission denied, open '<path>'");
    expect(redactPaths('ENOSPC: no space left on device, write /var/lib/image-forge/db')).toBe(
      'ENOSPC: no space left on device, write <path>',
    );
    expect(redactPaths("EPERM: operation not permitted, mkdir 'C:\\data\\blobs'")).toBe(
      "EPERM: operation not permitted, mkdir '<path>'",
    );
  });

  it('keeps messages without paths, URLs paths and ratios alone', () => {
    expect(redactPaths('blob store: container not found')).toBe('blob store: container not found');
    expect(redactPaths('sizes 1024x1024 and 3/4 done')).toBe('sizes 1024x1024 and 3/4 done');
  });
});
