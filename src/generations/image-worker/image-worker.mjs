/**
 * The image worker: sharp (libvips) work on a worker thread, so that a call that never returns
 * can be abandoned (the pool terminates this thread at the job's deadline) instead of holding the
 * job, and the process, for ever. Plain JavaScript because a worker thread cannot load TypeScript
 * (under Jest as in `dist/`); `ImageWorkerPool` resolves it beside itself.
 *
 * Tasks: `decode` (a full decode under a pixel limit; the PNG re-encode when the input is not a
 * PNG) and `thumbnail` (256 px WebP). Replies `{ id, ok: true, ... }` or `{ id, ok: false,
 * invalid, message }` (`invalid`: the input is not a decodable image).
 *
 * IMAGE_WORKER_TEST_HANG=1 (tests only, read nowhere else): every task blocks its thread for ever,
 * as a stuck native call does, to prove that the deadline still ends the job.
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';

const THUMBNAIL_SIZE = 256;

function hangForever() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

async function decode({ bytes, maxPixels, toPng, timeoutSeconds }) {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = () =>
    sharp(input, { limitInputPixels: maxPixels, failOn: 'truncated' }).timeout({
      seconds: timeoutSeconds,
    });
  try {
    const raw = await decoder().raw().toBuffer({ resolveWithObject: true });
    const png = toPng ? await decoder().png().toBuffer() : undefined;
    return { ok: true, width: raw.info.width, height: raw.info.height, png };
  } catch (error) {
    return { ok: false, invalid: true, message: error.message };
  }
}

async function thumbnail({ png, timeoutSeconds }) {
  const webp = await sharp(Buffer.from(png.buffer, png.byteOffset, png.byteLength))
    .timeout({ seconds: timeoutSeconds })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  return { ok: true, webp };
}

const TASKS = { decode, thumbnail };

parentPort.on('message', async (task) => {
  if (process.env.IMAGE_WORKER_TEST_HANG === '1') hangForever();
  let reply;
  try {
    reply = await TASKS[task.op](task);
  } catch (error) {
    reply = { ok: false, invalid: false, message: error?.message ?? String(error) };
  }
  parentPort.postMessage({ id: task.id, ...reply });
});
