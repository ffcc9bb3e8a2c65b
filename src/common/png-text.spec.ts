import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';

import { isPng, readPngText, withPngText } from './png-text.js';

/** Each chunk's type and whether its CRC matches, read straight from the bytes. */
function chunkCrcs(png: Buffer): { type: string; crcOk: boolean }[] {
  const found: { type: string; crcOk: boolean }[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    found.push({ type: typeAndData.toString('latin1', 0, 4), crcOk: crc32(typeAndData) === crc });
    offset += 12 + length;
  }
  return found;
}

describe('PNG text', () => {
  let png: Buffer;

  beforeAll(async () => {
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
  });

  const entries = {
    parameters: 'a fox in a knitted scarf, watercolor 🦊✨',
    Title: 'Лиса в шарфе · 狐狸 · ثعلب',
  };

  it('reads back the entries it wrote, UTF-8 intact', () => {
    expect(readPngText(withPngText(png, entries))).toEqual(entries);
  });

  it('writes entries that other PNG readers see', async () => {
    const { comments } = await sharp(withPngText(png, entries)).metadata();

    expect(comments).toEqual(
      expect.arrayContaining([
        { keyword: 'parameters', text: entries.parameters },
        { keyword: 'Title', text: entries.Title },
      ]),
    );
  });

  it('keeps the image decodable with every chunk CRC valid', async () => {
    const tagged = withPngText(png, entries);

    const { data, info } = await sharp(tagged).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(8);
    expect(info.height).toBe(8);
    expect([...data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect((await sharp(tagged).metadata()).width).toBe(8);

    const chunks = chunkCrcs(tagged);
    expect(chunks.filter((c) => c.type === 'iTXt')).toHaveLength(2);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
  });

  it('puts the text before the image data', () => {
    const types = chunkCrcs(withPngText(png, entries)).map((c) => c.type);

    expect(types.lastIndexOf('iTXt')).toBeLessThan(types.indexOf('IDAT'));
  });

  it('finds no entries in a PNG without text', () => {
    expect(readPngText(png)).toEqual({});
  });

  it('refuses bytes that are not a PNG', async () => {
    const jpeg = await sharp(png).jpeg().toBuffer();

    expect(() => withPngText(jpeg, entries)).toThrow();
    expect(() => withPngText(Buffer.from('not a png'), entries)).toThrow();
    expect(() => withPngText(Buffer.alloc(0), entries)).toThrow();
  });

  it('tells a PNG from other bytes', async () => {
    expect(isPng(png)).toBe(true);
    expect(isPng(await sharp(png).webp().toBuffer())).toBe(false);
    expect(isPng(png.subarray(0, 8))).toBe(false);
    expect(isPng(Buffer.alloc(0))).toBe(false);
  });
});
