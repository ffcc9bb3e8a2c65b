// Gallery benchmark (`npm run bench`): seeds 100k images into a temporary SQLite store, starts the
// real service (`node dist/main.js`, what `npm start` runs) and measures with autocannon the public
// gallery's first page, its 1000th page (by cursor) and a prompt search, beside a bare node:http
// server answering the same page-1 bytes from memory in the same run. Each server runs in its own
// process, apart from the load generator. Prints req/s, p99 and the ratios.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PAGE = 20;
// Page 1000 needs 20k public images; smaller trial runs (BENCH_IMAGES) take the deepest full page.
const DEEP_PAGE = Math.min(1000, Math.floor((IMAGES * 0.9) / PAGE) - 1);

const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const [{ SqliteDatabase }, { SqliteImagesRepository }, { RandomPromptStrategy }, cursor, ids] =
  await Promise.all([
    dist('storage/records/sqlite/sqlite.database.js'),
    dist('storage/records/sqlite/sqlite.images.repository.js'),
    dist('prompts/random.prompt-strategy.js'),
    dist('common/cursor.js'),
    dist('common/ids.js'),
  ]);

const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-bench-'));
const log = (message) => process.stderr.write(`${message}\n`);

async function seed() {
  const started = Date.now();
  const sqlite = new SqliteDatabase(join(dataDir, 'image-forge.db'));
  const images = new SqliteImagesRepository(sqlite);
  const strategy = new RandomPromptStrategy();
  const owner = ids.newId();
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  sqlite.db.exec('BEGIN');
  for (let i = 0; i < IMAGES; i++) {
    const { prompt } = await strategy.make({ theme: null, text: null, seed: i });
    const id = ids.newId();
    const createdAt = new Date(base + i * 1000).toISOString();
    await images.insert({
      id,
      ownerId: owner,
      jobId: ids.newId(),
      index: 0,
      scheduleId: null,
      visibility: i % 10 === 0 ? 'private' : 'public',
      lineage: { strategy: 'random', theme: null, prompt, revisedPrompt: null },
      prompt,
      negativePrompt: null,
      provider: 'offline',
      model: 'poster-v1',
      width: 1024,
      height: 1024,
      seed: i,
      contentType: 'image/png',
      byteSize: 400_000,
      sha256: 'a'.repeat(64),
      blobKey: `images/2026/01/${id}.png`,
      thumbnailKey: `thumbnails/2026/01/${id}.webp`,
      thumbnailContentType: 'image/webp',
      tags: i % 7 === 0 ? ['featured'] : [],
      createdAt,
    });
  }
  sqlite.db.exec('COMMIT');
  // Page N starts after the (N-1) × 20th public image, newest first.
  const row = sqlite.db
    .prepare(
      `SELECT created_at AS createdAt, id FROM images WHERE visibility = 'public'
              ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?`,
    )
    .get((DEEP_PAGE - 1) * PAGE - 1);
  sqlite.close();
  log(`seeded ${IMAGES} images in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return cursor.encodeCursor(row);
}

function run(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0 || result.errors > 0)
        return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      resolve({ rps: result.requests.average, p99: result.latency.p99 });
    });
  });
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `node args` with `env`, and waits until `url` answers 200. */
async function serve(args, env, url) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`${args.join(' ')} did not start`);
}

const BARE_SERVER = `
  const body = require('node:fs').readFileSync(process.env.BODY_FILE);
  require('node:http').createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  }).listen(Number(process.env.PORT), '127.0.0.1');`;

const deepCursor = await seed();
const appPort = await freePort();
const appUrl = `http://127.0.0.1:${appPort}`;
const app = await serve(
  [new URL('../dist/main.js', import.meta.url).pathname],
  {
    DATA_DIR: dataDir,
    PORT: String(appPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-'.repeat(8),
  },
  `${appUrl}/health/ready`,
);
const bodyFile = join(dataDir, 'page1.json');
writeFileSync(
  bodyFile,
  Buffer.from(await (await fetch(`${appUrl}/api/v1/images?limit=${PAGE}`)).arrayBuffer()),
);
const barePort = await freePort();
const bareUrl = `http://127.0.0.1:${barePort}/`;
const bare = await serve(
  ['-e', BARE_SERVER],
  { BODY_FILE: bodyFile, PORT: String(barePort) },
  bareUrl,
);

const targets = [
  ['bare node:http (page-1 bytes)', bareUrl],
  ['gallery page 1', `${appUrl}/api/v1/images?limit=${PAGE}`],
  [
    `gallery page ${DEEP_PAGE} (cursor)`,
    `${appUrl}/api/v1/images?limit=${PAGE}&cursor=${deepCursor}`,
  ],
  ['search q=lighthouse', `${appUrl}/api/v1/images?limit=${PAGE}&q=lighthouse`],
];
try {
  const check = await (await fetch(targets[2][1])).json();
  if (check.items.length !== PAGE) throw new Error(`page ${DEEP_PAGE} is not a full page`);
  await run(bareUrl); // warm-up
  const results = [];
  for (const [name, url] of targets) {
    log(`measuring ${name} (${DURATION} s, ${CONNECTIONS} connections)`);
    results.push({ name, ...(await run(url)) });
  }
  const baseline = results[0].rps;
  console.log(
    `\n${IMAGES} images, ${PAGE} per page, ${CONNECTIONS} connections, ${DURATION} s each, node ${process.version}\n`,
  );
  console.log('| target | req/s | p99 ms | vs bare |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p99} | ${(r.rps / baseline).toFixed(2)} |`,
    );
  }
  const [, p1, deep, search] = results;
  console.log(
    `\npage ${DEEP_PAGE} / page 1 throughput: ${(deep.rps / p1.rps).toFixed(2)}; search / page 1: ${(search.rps / p1.rps).toFixed(2)}`,
  );
} finally {
  app.kill();
  bare.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
