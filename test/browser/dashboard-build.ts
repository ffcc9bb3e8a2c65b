import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../support/wait.js';

const root = new URL('../../', import.meta.url).pathname;
export const WEB_DIST = join(root, 'web', 'dist');
const LOCK = join(root, 'web', '.build-lock');

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** Whether web/dist is missing or older than the dashboard's sources (or the SDK's). */
function stale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = Math.max(
    newest(join(root, 'web', 'src')),
    newest(join(root, 'web', 'index.html')),
    newest(join(root, 'web', 'vite.config.ts')),
    newest(join(root, 'sdk', 'src')),
  );
  return statSync(index).mtimeMs < sources;
}

/**
 * Builds the dashboard (`npm run build -w web`) when web/dist is missing or stale. Test files
 * run in parallel workers: a lock directory makes one build while the others wait for it.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (!stale()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      // A build takes seconds: an older lock was left by a worker that died.
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 60_000) {
        rmSync(LOCK, { recursive: true, force: true });
      }
      await sleep(250);
      continue;
    }
    try {
      if (stale()) {
        execFileSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, stdio: 'pipe' });
      }
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  throw new Error(`timed out waiting for another worker to build the dashboard (${LOCK})`);
}
