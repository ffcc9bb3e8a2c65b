import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';

/**
 * Child processes (V8's natives syntax and `gc` are per process) that make objects of a shape
 * while nothing else keeps one alive, collect garbage between them as an idle service's collector
 * does, then print V8's view (`%DebugPrint`) of what matters: with `KEEP=1`, `hot-shapes.ts` is
 * used first.
 */
const DRIVERS = {
  /** `process.nextTick`, its feedback slots included. */
  tick: `
import { keepTickShapeAlive } from './hot-shapes.mjs';
if (process.env.KEEP === '1') keepTickShapeAlive();
const turn = () => new Promise((resolve) => setImmediate(resolve));
for (let round = 0; round < 3; round++) {
  for (let i = 0; i < 100; i++) process.nextTick(() => {});
  await turn();
  globalThis.gc();
}
for (let i = 0; i < 3; i++) process.nextTick(() => {});
await turn();
%DebugPrint(process.nextTick);
`,
  /** The eleventh response of a server that answered ten requests one by one, collecting after each. */
  response: `
import http from 'node:http';
import { keepFirstResponseAlive } from './hot-shapes.mjs';
let last;
const server = http.createServer((request, response) => { last = response; response.end('ok'); });
if (process.env.KEEP === '1') keepFirstResponseAlive(server);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const agent = new http.Agent({ keepAlive: false });
const get = () =>
  new Promise((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port: server.address().port, agent }, (r) => r.resume().on('end', resolve))
      .on('error', reject),
  );
for (let i = 0; i < 10; i++) {
  await get();
  last = undefined;
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
}
await get();
%DebugPrint(last);
server.close();
`,
};

describe('hot shapes', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hot-shapes-'));
    const source = readFileSync(new URL('./hot-shapes.ts', import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'hot-shapes.mjs'), outputText);
    for (const [name, driver] of Object.entries(DRIVERS)) {
      writeFileSync(join(dir, `${name}.mjs`), driver);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function debugPrint(driver: keyof typeof DRIVERS, keep: boolean): string {
    return execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--expose-gc', join(dir, `${driver}.mjs`)],
      { env: { ...process.env, NODE_OPTIONS: '', KEEP: keep ? '1' : '0' }, encoding: 'utf8' },
    );
  }

  describe('keepTickShapeAlive', () => {
    /** The tick-object literal's property definitions that V8 marked megamorphic. */
    function megamorphicDefinitions(keep: boolean): number {
      const out = debugPrint('tick', keep);
      expect(out).toContain('DefineKeyedOwnPropertyInLiteral');
      return out.match(/DefineKeyedOwnPropertyInLiteral MEGAMORPHIC/g)?.length ?? 0;
    }

    it('without it, collections between ticks turn nextTick megamorphic (what it prevents)', () => {
      expect(megamorphicDefinitions(false)).toBeGreaterThan(0);
    });

    it('with it, the tick object keeps one shape across collections', () => {
      expect(megamorphicDefinitions(true)).toBe(0);
    });
  });

  describe('keepFirstResponseAlive', () => {
    it('without it, responses made after collections end up in dictionary mode (what it prevents)', () => {
      expect(debugPrint('response', false)).toMatch(/- map: .*\[DictionaryProperties\]/);
    });

    it('with it, responses keep fast in-object properties', () => {
      const out = debugPrint('response', true);
      expect(out).toMatch(/- map: .*\[FastProperties\]/);
      expect(out).not.toContain('DictionaryProperties');
    });
  });
});
