#!/usr/bin/env node
// Adds the optional (mostly other-platform) packages that `npm install` silently left out of
// package-lock.json, so that `npm ci` stops failing with "Missing: <pkg> from lock file".
//
// Why: our registry mirror lacks some platform binaries (e.g. @unrs/resolver-binding-darwin-*,
// @swc/core-win32-*). `npm install` drops what it can't fetch from the lock, and `npm ci` later
// rebuilds the tree, notices the hole and refuses to install. The added entries are also what
// users on those other platforms need. Run after every dependency change (`npm run lock:fix`).
//
// For every lock entry that declares optionalDependencies, each dependency that node_modules
// resolution (nested first, then up to the root) doesn't find in the lock is resolved to a version
// and added: at `node_modules/<name>`, or nested under its parent when another version already
// sits where it would resolve. os/cpu/libc/integrity come from `npm view`; when the mirror doesn't
// have that version, platform fields come from another version of the package or, failing that,
// from its name. Idempotent: a second run adds nothing.
//
// Usage: node scripts/complete-lock.mjs [path/to/package-lock.json] [--dry-run]
// No dependencies; uses the project's own `semver` (node_modules) when present.

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONCURRENCY = 4;
const VIEW_FIELDS = [
  'name',
  'version',
  'os',
  'cpu',
  'libc',
  'dist',
  'license',
  'engines',
  'funding',
  'bin',
  'scripts',
  'deprecated',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
];

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const scriptDir = dirname(fileURLToPath(import.meta.url));
const lockPath = resolve(
  args.find((a) => !a.startsWith('--')) ?? join(scriptDir, '..', 'package-lock.json'),
);
const projectDir = dirname(lockPath);

// ---------------------------------------------------------------------------------------------
// semver: the copy in the project's node_modules (a transitive dependency), else exact-only.

let semver = null;
try {
  semver = createRequire(join(projectDir, 'package.json'))('semver');
} catch {
  console.warn('warning: semver not found in node_modules; only exact versions can be resolved');
}
const exactVersion = (spec) =>
  semver ? semver.valid(spec, true) : /^v?=?\d+\.\d+\.\d+\S*$/.test(spec) ? spec : null;
const isRange = (spec) => (semver ? semver.validRange(spec, true) !== null : false);
const satisfies = (version, spec) =>
  semver ? semver.satisfies(version, spec, true) : exactVersion(spec) === version;

// ---------------------------------------------------------------------------------------------
// npm CLI helpers

const isWin = process.platform === 'win32';
const npmCli = process.env.npm_execpath?.endsWith('npm-cli.js') ? process.env.npm_execpath : null;

/** `npm view <args> --json`; resolves to { ok, data } or { ok: false, code, message }. */
function npmView(viewArgs) {
  const [cmd, pre] = npmCli ? [process.execPath, [npmCli]] : [isWin ? 'npm.cmd' : 'npm', []];
  return new Promise((done) => {
    execFile(
      cmd,
      [...pre, 'view', ...viewArgs, '--json'],
      { cwd: projectDir, maxBuffer: 64 * 1024 * 1024, timeout: 120_000, shell: isWin && !npmCli },
      (err, stdout) => {
        let data;
        try {
          data = stdout.trim() ? JSON.parse(stdout) : undefined;
        } catch {
          data = undefined;
        }
        if (err || data?.error) {
          const code = data?.error?.code ?? err?.code ?? 'ERR';
          const message = data?.error?.summary ?? err?.message ?? 'unknown error';
          done({ ok: false, code, message: String(message).split('\n')[0] });
        } else {
          done({ ok: true, data });
        }
      },
    );
  });
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const memo = (fn) => {
  const cache = new Map();
  return (key) => {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key);
  };
};

// ---------------------------------------------------------------------------------------------
// Registry look-ups

/** Parses a dependency spec; returns null for non-registry specs (git, file, url...). */
function parseSpec(name, spec) {
  let realName = name;
  let range = String(spec ?? '').trim() || '*';
  if (range.startsWith('npm:')) {
    const rest = range.slice(4);
    const at = rest.lastIndexOf('@');
    [realName, range] = at > 0 ? [rest.slice(0, at), rest.slice(at + 1) || '*'] : [rest, '*'];
  }
  if (/^[a-z+]+:/i.test(range) || range.includes('/')) return null;
  return { realName, range };
}

const resolveVersion = memo(async (key) => {
  const [realName, range] = JSON.parse(key);
  const exact = exactVersion(range);
  if (exact) return { version: semver ? semver.clean(exact, true) : exact.replace(/^[=v]+/, '') };
  if (isRange(range)) {
    const res = await npmView([realName, 'versions']);
    const versions = res.ok ? [res.data ?? []].flat() : [];
    const best = semver.maxSatisfying(versions, range, true);
    if (best) return { version: best };
    const min = semver.minVersion(range);
    if (min) return { version: min.version, note: `no version matching ${range} on the registry` };
    return { error: `cannot resolve ${realName}@${range}` };
  }
  // a dist-tag such as "latest"
  const res = await npmView([`${realName}@${range}`, 'version']);
  const version = res.ok ? [res.data].flat().pop() : null;
  return version ? { version } : { error: `cannot resolve ${realName}@${range}: ${res.message}` };
});

const fetchManifest = memo(async (key) => {
  const [realName, version] = JSON.parse(key);
  const exact = await npmView([`${realName}@${version}`, ...VIEW_FIELDS]);
  if (exact.ok && exact.data && !Array.isArray(exact.data)) return { exact: true, m: exact.data };
  // Not on the mirror: platform fields don't change between versions, take them from the latest.
  const any = await npmView([realName, 'name', 'version', 'os', 'cpu', 'libc']);
  if (any.ok && any.data && !Array.isArray(any.data) && (any.data.os || any.data.cpu)) {
    return { exact: false, m: any.data, from: `${realName}@${any.data.version}`, why: exact.code };
  }
  return { exact: false, m: platformFromName(realName), from: 'package name', why: exact.code };
});

const OS = {
  aix: 'aix',
  android: 'android',
  darwin: 'darwin',
  macos: 'darwin',
  freebsd: 'freebsd',
  linux: 'linux',
  linuxmusl: 'linux',
  netbsd: 'netbsd',
  openbsd: 'openbsd',
  openharmony: 'openharmony',
  sunos: 'sunos',
  win32: 'win32',
  windows: 'win32',
};
const CPU = {
  arm: 'arm',
  armv7: 'arm',
  armhf: 'arm',
  arm64: 'arm64',
  aarch64: 'arm64',
  ia32: 'ia32',
  i686: 'ia32',
  x86: 'ia32',
  loong64: 'loong64',
  mips64el: 'mips64el',
  ppc64: 'ppc64',
  ppc64le: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  wasm32: 'wasm32',
  x64: 'x64',
  amd64: 'x64',
  x86_64: 'x64',
};
const LIBC = { gnu: 'glibc', glibc: 'glibc', gnueabihf: 'glibc', musl: 'musl', musleabihf: 'musl' };

/** Last resort: guess os/cpu/libc from names like `@scope/foo-linux-arm64-musl`. */
function platformFromName(name) {
  const tokens = basename(name).toLowerCase().split(/[-.]/);
  const pick = (map) => tokens.map((t) => map[t]).find(Boolean);
  const os = pick(OS);
  const cpu = pick(CPU);
  const libc = os === 'linux' ? (tokens.includes('linuxmusl') ? 'musl' : pick(LIBC)) : undefined;
  return {
    ...(os && { os: [os] }),
    ...(cpu && { cpu: [cpu] }),
    ...(libc && { libc: [libc] }),
  };
}

// ---------------------------------------------------------------------------------------------
// Lockfile helpers

/** Where node_modules resolution of `name` from the package at `fromKey` lands, or null. */
function locate(packages, fromKey, name) {
  let base = fromKey;
  for (;;) {
    const loc = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[loc]) return loc;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}

const target = (packages, loc) =>
  packages[loc]?.link ? packages[packages[loc].resolved] : packages[loc];

const nonEmpty = (obj) =>
  obj && typeof obj === 'object' && Object.keys(obj).length ? obj : undefined;

/** Dependencies that must be resolvable from a newly added package. */
function requiredDeps(meta) {
  const peers = Object.entries(meta.peerDependencies ?? {}).filter(
    ([name]) => !meta.peerDependenciesMeta?.[name]?.optional,
  );
  return { ...Object.fromEntries(peers), ...meta.dependencies, ...meta.optionalDependencies };
}

/** The lock entry npm would write for manifest `m` (minus the dev/optional/peer flags). */
function entryFromManifest(name, version, { exact, m }, withResolved) {
  const entry = { version };
  if (m.name && m.name !== name) entry.name = m.name;
  for (const key of ['os', 'cpu', 'libc']) if (m[key]) entry[key] = [m[key]].flat();
  if (!exact) return entry;
  if (withResolved && m.dist?.tarball) entry.resolved = m.dist.tarball;
  if (m.dist?.integrity) entry.integrity = m.dist.integrity;
  const license = typeof m.license === 'object' ? m.license?.type : m.license;
  if (license) entry.license = license;
  for (const key of [
    'dependencies',
    'optionalDependencies',
    'peerDependencies',
    'peerDependenciesMeta',
    'engines',
  ]) {
    if (nonEmpty(m[key])) entry[key] = m[key];
  }
  if (m.funding) entry.funding = typeof m.funding === 'string' ? { url: m.funding } : m.funding;
  if (m.bin) entry.bin = typeof m.bin === 'string' ? { [basename(m.name ?? name)]: m.bin } : m.bin;
  if (['preinstall', 'install', 'postinstall'].some((s) => m.scripts?.[s])) {
    entry.hasInstallScript = true;
  }
  if (m.deprecated) entry.deprecated = m.deprecated;
  return entry;
}

// Same output as npm's own writer (json-stringify-nice with these preferred keys): preferred keys
// first, then the other non-object values, then objects, each group in 'en' locale order.
const PREFERRED = ['name', 'version', 'lockfileVersion', 'resolved', 'integrity', 'requires'];
const PREFERRED_ALL = [...PREFERRED, 'packages', 'dependencies'];
const isObj = (v) => !!v && typeof v === 'object' && !Array.isArray(v);
function compareKeys(a, b) {
  const ia = PREFERRED_ALL.indexOf(a);
  const ib = PREFERRED_ALL.indexOf(b);
  if (ia !== -1 || ib !== -1) return ia === -1 ? 1 : ib === -1 ? -1 : ia - ib;
  return a.localeCompare(b, 'en');
}
function stringifyLock(lock, indent) {
  const replacer = (_key, val) => {
    if (!isObj(val)) return val;
    const entries = Object.entries(val).sort(([ak, av], [bk, bv]) =>
      isObj(av) === isObj(bv) ? compareKeys(ak, bk) : isObj(av) ? 1 : -1,
    );
    return Object.fromEntries(entries);
  };
  return `${JSON.stringify(lock, replacer, indent)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

const text = readFileSync(lockPath, 'utf8');
const eol = text.includes('\r\n') ? '\r\n' : '\n';
const indent = text.match(/^[{[]\r?\n([ \t]+)/)?.[1] ?? 2;
const lock = JSON.parse(text);
const packages = lock.packages;
if (!packages || typeof packages !== 'object') {
  console.error(`${lockPath}: no "packages" section (lockfileVersion >= 2 required)`);
  process.exit(1);
}
// Follow the lock's convention: registry "resolved" URLs are kept or omitted for every entry
// (npm's omit-lockfile-registry-resolved).
const withResolved = Object.entries(packages).some(
  ([loc, m]) => loc && !m.link && /^https?:/.test(m.resolved ?? ''),
);

const added = new Map(); // location -> { name, realName, version, parents: Set<location>, notes }
const warnings = [];

// Round 1 checks the optionalDependencies of existing entries; later rounds check every required
// dependency of the entries added in the previous round.
let round = Object.keys(packages)
  .filter((loc) => nonEmpty(packages[loc].optionalDependencies))
  .map((loc) => ({ loc, deps: packages[loc].optionalDependencies }));

while (round.length) {
  // 1. optional dependencies that resolve to nothing in the lock (or to a clashing new entry)
  const edges = [];
  for (const { loc: parent, deps } of round) {
    for (const name of Object.keys(deps).sort()) {
      const spec = parseSpec(name, deps[name]);
      const found = locate(packages, parent, name);
      if (!spec) {
        if (!found) warnings.push(`${parent}: skipped non-registry spec ${name}@${deps[name]}`);
        continue;
      }
      if (found && !added.has(found)) {
        const meta = target(packages, found);
        if (meta?.version && !satisfies(meta.version, spec.range)) {
          warnings.push(
            `${parent} wants ${name}@${deps[name]} but resolves to ${found}@${meta.version}`,
          );
        }
        continue;
      }
      edges.push({ parent, name, spec });
    }
  }

  // 2. versions
  await mapLimit(edges, CONCURRENCY, async (edge) => {
    edge.resolved = await resolveVersion(JSON.stringify([edge.spec.realName, edge.spec.range]));
  });

  // 3. placement, in lock order so that runs are deterministic
  const placed = [];
  for (const { parent, name, spec, resolved } of edges) {
    if (resolved.error) {
      warnings.push(`${parent}: ${resolved.error}`);
      continue;
    }
    const { version } = resolved;
    const found = locate(packages, parent, name);
    let loc = `node_modules/${name}`;
    if (found) {
      if (added.has(found) && satisfies(packages[found].version, spec.range)) {
        added.get(found).parents.add(parent);
        continue;
      }
      loc = `${parent}/node_modules/${name}`;
      if (!parent || packages[loc]) {
        warnings.push(`${parent || '(root)'}: ${name}@${version} clashes with ${found}`);
        continue;
      }
      // nesting must not shadow what packages below the parent already resolve to
      for (const below of Object.keys(packages)) {
        const want = below.startsWith(`${parent}/node_modules/`) && requiredDeps(packages[below]);
        if (
          want?.[name] &&
          locate(packages, below, name) !== below &&
          !satisfies(version, want[name])
        ) {
          warnings.push(`${below}: nesting ${loc}@${version} shadows its ${name}@${want[name]}`);
        }
      }
    }
    packages[loc] = { version, optional: true };
    const info = { name, realName: spec.realName, version, parents: new Set([parent]), notes: [] };
    if (resolved.note) info.notes.push(resolved.note);
    added.set(loc, info);
    placed.push(loc);
  }

  // 4. metadata
  await mapLimit(placed, CONCURRENCY, async (loc) => {
    const info = added.get(loc);
    const manifest = await fetchManifest(JSON.stringify([info.realName, info.version]));
    packages[loc] = entryFromManifest(info.name, info.version, manifest, withResolved);
    if (!manifest.exact) {
      info.notes.push(
        `${info.version} not on registry (${manifest.why}), platform from ${manifest.from}`,
      );
    }
  });

  round = placed
    .map((loc) => ({ loc, deps: requiredDeps(packages[loc]) }))
    .filter(({ deps }) => nonEmpty(deps));
}

// dev/peer flags: set only when every package depending on the new entry has them (npm's
// semantics); optional always, since the new entries are reachable through optional edges only.
for (const [loc, info] of added) {
  const parents = [...info.parents].map((p) => packages[p] ?? {});
  const entry = packages[loc];
  if (parents.every((p) => p.dev)) entry.dev = true;
  entry.optional = true;
  if (parents.every((p) => p.peer)) entry.peer = true;
}

const rel = (p) => p.replace(`${projectDir}/`, '');
for (const [loc, info] of added) {
  const { os, cpu, libc, integrity } = packages[loc];
  const platform = [os, cpu, libc].map((v) => v?.join('|') ?? '*').join('/');
  const extra = [!integrity && 'no integrity', ...info.notes].filter(Boolean).join('; ');
  console.log(`+ ${loc}@${info.version} (${platform})${extra ? ` [${extra}]` : ''}`);
}
for (const w of warnings) console.warn(`warning: ${w}`);

if (!added.size) {
  console.log(`${rel(lockPath)}: nothing to add`);
} else if (dryRun) {
  console.log(`${rel(lockPath)}: would add ${added.size} entries (dry run)`);
} else {
  writeFileSync(lockPath, stringifyLock(lock, indent).replace(/\n/g, eol));
  console.log(`${rel(lockPath)}: added ${added.size} entries`);
}
