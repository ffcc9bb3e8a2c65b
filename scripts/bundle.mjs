// The service as it runs in production (`npm run build`, after `nest build`): `node dist/bundle/main.js`.
//
// Node 20 loads ES modules one at a time, each through an asynchronous resolve, read and link:
// the service's own 180 modules, NestJS's 600 (every @nestjs package is ESM) and the 428 of
// es-toolkit's `compat` entry (imported by @nestjs/swagger's decorators) took 0.7-0.8 s of a
// 1.6 s start on one core. This bundles them into a few files with rolldown; CommonJS packages
// (Fastify, rxjs, class-validator, pino, better-sqlite3, the providers' and stores' SDKs...) stay
// in node_modules and load as before. NestJS stays a single copy: no CommonJS package we load
// imports it.
//
//   node scripts/bundle.mjs [FROM [TO]]   # FROM: tsc's output (dist), TO: the bundle (FROM/bundle)
//
// TO must sit two folders below the repository, as `dist/web/` does: the dashboard is found at
// `../../web/dist` from the module that serves it (src/web/dashboard.server.ts).
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The ES-module packages the service loads at start; anything else is imported at run time. */
const BUNDLED = /^(@nestjs\/[^/]+|es-toolkit|uuid)(\/|$)/;

/**
 * A bundled package's name, when `specifier` imports one that is installed (Nest's optional
 * packages, such as @nestjs/microservices, are not: Nest imports them only when asked to).
 */
function bundledPackage(specifier) {
  const name = BUNDLED.exec(specifier)?.[1];
  return name && existsSync(join(ROOT, 'node_modules', name, 'package.json')) ? name : undefined;
}

/** The worker that `ImageWorkerPool` starts from a file beside its own module. */
const IMAGE_WORKER = join('generations', 'image-worker', 'image-worker.mjs');

export async function bundleService(from = join(ROOT, 'dist'), to = join(from, 'bundle')) {
  rmSync(to, { recursive: true, force: true });
  const build = await rolldown({
    input: join(from, 'main.js'),
    platform: 'node',
    external: (specifier) =>
      !specifier.startsWith('.') && !specifier.startsWith('/') && !bundledPackage(specifier),
    // Warnings fail the build: a bundle that might not be the service is not shipped.
    onLog(level, log, handler) {
      if (level === 'warn') handler('error', log);
      else handler(level, log);
    },
  });
  await build.write({
    dir: to,
    format: 'esm',
    // Swagger names schemas after classes, and Nest's logs and errors name them: no renaming.
    keepNames: true,
    sourcemap: true,
  });
  await build.close();
  copyFileSync(join(from, IMAGE_WORKER), join(to, 'image-worker.mjs'));
  return join(to, 'main.js');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2).map((path) => resolve(path));
  const entry = await bundleService(from, to);
  const size = readFileSync(entry).length;
  process.stdout.write(`bundled the service: ${entry} (${size} bytes, and its chunks)\n`);
}
