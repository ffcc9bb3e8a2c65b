// The service as it runs in production (`npm run build`, after `nest build`): `node dist/bundle/main.js`.
//
// Node 20 loads ES modules one at a time, each through an asynchronous resolve, read and link:
// the service's own 180 modules, NestJS's 600 (every @nestjs package is ESM) and the 428 of
// es-toolkit's `compat` entry (imported by @nestjs/swagger's decorators) took 0.7-0.8 s of a
// 1.6 s start on one core. This bundles them into a few files with rolldown; CommonJS packages
// (Fastify, rxjs, class-validator, pino, better-sqlite3, the providers' and stores' SDKs...) stay
// in node_modules, and the bundle `require`s them (see REQUIRED). NestJS stays a single copy: no
// CommonJS package we load imports it.
//
//   node scripts/bundle.mjs [FROM [TO]]   # FROM: tsc's output (dist), TO: the bundle (FROM/bundle)
//
// TO must sit two folders below the repository, as `dist/web/` does: the dashboard is found at
// `../../web/dist` from the module that serves it (src/web/dashboard.server.ts).
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

/**
 * Every import of a package that is not bundled stays an import, of the copy its importer finds:
 * by name where that is the top-level `node_modules/<name>` (what an import from `dist/bundle/`
 * finds), else by a relative path to the file. npm nests a copy under a package when the top-level
 * one is another version or a dev dependency: @nestjs/swagger's own js-yaml was imported by name,
 * found the top-level js-yaml (another version, a dev dependency) here, and nothing at all in the
 * container, where `npm prune --omit=dev` had removed it.
 */
function externalsAsTheirImportersFindThem(outDir) {
  /** `require` as the bundle's chunks (all in `outDir`) will call it. */
  const bundleRequire = createRequire(join(outDir, 'main.js'));
  return {
    name: 'externals-as-their-importers-find-them',
    async resolveId(specifier, importer, options) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || bundledPackage(specifier)) {
        return null;
      }
      if (specifier.startsWith('node:') || isBuiltin(specifier)) {
        return { id: specifier, external: true };
      }
      const resolved = await this.resolve(specifier, importer, { ...options, skipSelf: true });
      // Not installed (an optional package, imported only when asked for): as it was written.
      if (!resolved) return { id: specifier, external: true };
      const name = packageName(specifier);
      const topLevel = join(ROOT, 'node_modules', name) + sep;
      const target = resolved.id.startsWith(topLevel)
        ? specifier
        : // Every chunk is written straight into `outDir`: one relative path fits them all.
          relative(outDir, resolved.id).split(sep).join('/');
      // A CommonJS package that `require` finds as the import did is loaded with `require`.
      return isCommonJs(resolved.id) && bundleRequire.resolve(target) === resolved.id
        ? { id: `${REQUIRED}${target}` }
        : { id: target, external: true };
    },
    load(id) {
      if (!id.startsWith(REQUIRED)) return null;
      const target = id.slice(REQUIRED.length);
      // Its exports, read here once, as the bundle will find them.
      const exported = bundleRequire(target);
      const names = Object.keys(exported).filter((n) => n !== 'default' && n !== '__esModule');
      return [
        "import { createRequire } from 'node:module';",
        `const m = createRequire(import.meta.url)(${JSON.stringify(target)});`,
        'export default m;',
        ...names.map((name, i) => `const e${i} = m[${JSON.stringify(name)}];`),
        `export { ${names.map((name, i) => `e${i} as ${JSON.stringify(name)}`).join(', ')} };`,
      ].join('\n');
    },
  };
}

/**
 * Ids of the modules that stand for a CommonJS package: they `require` it and export what it
 * exports. Node imports CommonJS from an ES module by parsing its source (and every file it
 * re-exports) for export names, on every start, for Fastify, rxjs, class-validator, pino... A
 * `require` skips that, and the names are read here, at build: spawn to ready on one core went
 * from 1.7 s to 1.2 s (medians of 8 starts).
 */
const REQUIRED = '\0required:';

/** Whether Node loads `file` as CommonJS. */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type !== 'module';
  }
  return true;
}

/** `@scope/name` or `name`, of a bare specifier. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The worker that `ImageWorkerPool` starts from a file beside its own module. */
const IMAGE_WORKER = join('generations', 'image-worker', 'image-worker.mjs');

export async function bundleService(from = join(ROOT, 'dist'), to = join(from, 'bundle')) {
  rmSync(to, { recursive: true, force: true });
  const build = await rolldown({
    input: join(from, 'main.js'),
    platform: 'node',
    plugins: [externalsAsTheirImportersFindThem(to)],
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
