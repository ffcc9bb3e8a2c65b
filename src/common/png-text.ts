import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(bytes: Buffer): boolean {
  return bytes.length > SIGNATURE.length && bytes.subarray(0, 8).equals(SIGNATURE);
}

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
  /** Offset of the chunk's length field. */
  readonly offset: number;
}

function* chunks(png: Buffer): Generator<Chunk> {
  let offset = SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error('Truncated PNG chunk');
    yield { type, data: png.subarray(offset + 8, offset + 8 + length), offset };
    offset = end;
    if (type === 'IEND') return;
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * Adds uncompressed UTF-8 `iTXt` chunks (keyword → text) before the first IDAT, where readers look
 * for them (Stable Diffusion tools read `parameters`).
 */
export function withPngText(png: Buffer, entries: Readonly<Record<string, string>>): Buffer {
  if (!isPng(png)) throw new Error('Not a PNG');
  const idat = [...chunks(png)].find((c) => c.type === 'IDAT');
  if (!idat) throw new Error('PNG without image data');
  const texts = Object.entries(entries).map(([keyword, text]) =>
    // keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, text
    chunk(
      'iTXt',
      Buffer.concat([
        Buffer.from(keyword, 'latin1'),
        Buffer.from([0, 0, 0, 0, 0]),
        Buffer.from(text, 'utf8'),
      ]),
    ),
  );
  return Buffer.concat([png.subarray(0, idat.offset), ...texts, png.subarray(idat.offset)]);
}

/** The uncompressed `iTXt` and `tEXt` entries of a PNG. */
export function readPngText(png: Buffer): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const { type, data } of chunks(png)) {
    const nul = data.indexOf(0);
    if (nul < 0) continue;
    const keyword = data.toString('latin1', 0, nul);
    if (type === 'tEXt') {
      entries[keyword] = data.toString('latin1', nul + 1);
    } else if (type === 'iTXt' && data[nul + 1] === 0) {
      const languageEnd = data.indexOf(0, nul + 3);
      const translatedEnd = data.indexOf(0, languageEnd + 1);
      entries[keyword] = data.toString('utf8', translatedEnd + 1);
    }
  }
  return entries;
}
