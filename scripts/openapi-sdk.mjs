#!/usr/bin/env node
// Generates the SDK's types (sdk/src/generated/schema.ts) from the committed spec
// (openapi/openapi.json) with openapi-typescript, default options: the types a user would get
// from the same spec. `npm run openapi` runs it after writing the spec; with `--check`
// (`npm run openapi:check`) it fails when the committed file differs from what it would write.
//
// Usage: node scripts/openapi-sdk.mjs [--check]

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const SPEC = resolve('openapi/openapi.json');
const OUT = resolve('sdk/src/generated/schema.ts');

const HEADER = `// generated, do not edit: \`npm run openapi\` writes it from openapi/openapi.json
// (openapi-typescript, default options). The hand-written API is in ../index.ts.

`;

/** The file's text for the spec at `specPath`. */
export async function generateSchema(specPath = SPEC) {
  const ast = await openapiTS(pathToFileURL(specPath), { silent: true });
  return HEADER + astToString(ast);
}

async function main() {
  const check = process.argv.includes('--check');
  const text = await generateSchema();
  const out = relative(process.cwd(), OUT);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(OUT, 'utf8');
    } catch {
      // missing counts as drift
    }
    if (committed !== text) {
      process.stderr.write(`${out} is out of date: run \`npm run openapi\` and commit it.\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${out} matches openapi/openapi.json.\n`);
    }
    return;
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  process.stdout.write(`wrote ${out}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
