import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../app.js';
import { loadConfig } from '../config/app-config.js';
import { buildOpenApiDocument } from './swagger.js';

/**
 * `npm run openapi` writes openapi/openapi.json from the controllers; with `--check` it fails
 * when the committed file differs (drift).
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const dataDir = mkdtempSync(join(tmpdir(), 'image-forge-spec-'));
  const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn' }));
  try {
    const spec = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
    const file = resolve('openapi/openapi.json');
    if (check) {
      let committed = '';
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        // missing counts as drift
      }
      if (committed !== spec) {
        process.stderr.write(
          'openapi/openapi.json is out of date: run `npm run openapi` and commit it.\n',
        );
        process.exitCode = 1;
      } else {
        process.stdout.write('openapi/openapi.json matches the controllers.\n');
      }
    } else {
      writeFileSync(file, spec);
      process.stdout.write(`wrote ${file}\n`);
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
