// A user's program on a client generated from openapi/openapi.json by @hey-api/openapi-ts with
// its defaults (./generated, fetch client). test/e2e/generated-clients.e2e.spec.ts copies it next
// to the generated code, type-checks it with `tsc --strict` and runs it.
import { client } from './generated/client.gen.js';
import {
  createGeneration,
  createSchedule,
  deleteImage,
  getGeneration,
  getImage,
  getImageContent,
  getImageThumbnail,
  listPublicImages,
  register,
  updateImage,
  updateSchedule,
} from './generated/index.js';
import { check, environment, expectStatus, isPng, isWebp, sleep, Steps } from './steps.js';

const steps = new Steps();
let token: string | undefined;
// The token goes only where the spec declares bearer security: that is what this client tests.
client.setConfig({ baseUrl: environment.baseUrl, auth: () => token });

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** Polls the job until it ends; its images when it succeeded. */
async function finished(id: string): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const job = expectStatus(await getGeneration({ path: { id } }), 200);
    if (job.status === 'succeeded') return job.imageIds;
    check(job.status === 'queued' || job.status === 'running', `job ended ${job.status}`);
    await sleep(100);
  }
  throw new Error('the job did not finish in 20 s');
}

await steps.run('register', async () => {
  const session = expectStatus(
    await register({
      body: { email: `hey-api-${Date.now()}@example.com`, password: 'correct horse battery' },
    }),
    201,
  );
  token = session.accessToken;
});

const jobId = await steps.run('generate with an empty body', async () => {
  const job = expectStatus(await createGeneration(), 202);
  check(job.status === 'queued', `status ${job.status}`);
  return job.id;
});

await steps.with('follow the job until it succeeds', jobId, finished);

const privateId = await steps.run('generate a private image', async () => {
  const job = expectStatus(await createGeneration({ body: { visibility: 'private' } }), 202);
  return (await finished(job.id))[0];
});

await steps.with('read my private image: metadata', privateId, async (id) => {
  const meta = expectStatus(await getImage({ path: { id } }), 200);
  check(meta.id === id && meta.visibility === 'private', JSON.stringify(meta));
});

await steps.with('read my private image: content', privateId, async (id) => {
  const result = await getImageContent({ path: { id } });
  const content = expectStatus(result, 200);
  check(result.response.headers.get('content-type') === 'image/png', 'content type');
  check(isPng(await bytes(content)), 'not a PNG');
});

await steps.with('read my private image: thumbnail', privateId, async (id) => {
  const thumbnail = expectStatus(await getImageThumbnail({ path: { id } }), 200);
  check(isWebp(await bytes(thumbnail)), 'not a WebP');
});

await steps.run('page the public gallery', async () => {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const list = expectStatus(await listPublicImages({ query: { limit: 2, cursor } }), 200);
    check(list.items.length <= 2, `${list.items.length} items on a page of 2`);
    seen.push(...list.items.map((i) => i.id));
    if (list.nextCursor === null) break;
    cursor = list.nextCursor;
  }
  check(seen.length >= environment.publicImages, `${seen.length} public images`);
  check(new Set(seen).size === seen.length, 'an image showed twice');
  check(privateId === undefined || !seen.includes(privateId), 'my private image is public');
});

await steps.with('patch my image: tags', privateId, async (id) => {
  const patched = expectStatus(await updateImage({ path: { id }, body: { tags: ['mine'] } }), 200);
  check(patched.tags.join() === 'mine', `tags ${patched.tags.join()}`);
  check(patched.visibility === 'private', `visibility ${patched.visibility}`);
});

await steps.with('delete my image', privateId, async (id) => {
  expectStatus(await deleteImage({ path: { id } }), 204);
  expectStatus(await getImage({ path: { id } }), 404);
});

const scheduleId = await steps.run('create a paused schedule in Europe/Paris', async () => {
  const schedule = expectStatus(
    await createSchedule({
      body: {
        name: 'weekday mornings',
        cron: '0 9 * * 1-5',
        timezone: 'Europe/Paris',
        enabled: false,
      },
    }),
    201,
  );
  check(!schedule.enabled && schedule.timezone === 'Europe/Paris', JSON.stringify(schedule));
  return schedule.id;
});

await steps.with('rename it: still paused, still in Europe/Paris', scheduleId, async (id) => {
  const renamed = expectStatus(
    await updateSchedule({ path: { id }, body: { name: 'renamed' } }),
    200,
  );
  const { name, enabled, timezone } = renamed;
  check(
    name === 'renamed' && !enabled && timezone === 'Europe/Paris',
    `after the rename: ${JSON.stringify({ name, enabled, timezone })}`,
  );
});

steps.print();
