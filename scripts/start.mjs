// `npm start`: builds when dist/ is missing or older than the sources, then runs the service.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale =
  !existsSync(entry) ||
  statSync(entry).mtimeMs <
    Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
if (stale) {
  process.stderr.write('Building (dist/ is missing or older than src/)...\n');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'),
      'build',
      '-p',
      'tsconfig.build.json',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}
await import(entry);
