import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';

/**
 * A child process (V8's natives syntax and `gc` are per process) that makes ticks while nothing
 * else keeps a tick object alive, collects garbage between them as an idle service's collector
 * does, then prints V8's view of `process.nextTick`, feedback slots included.
 */
const DRIVER = `
import { keepTickShapeAlive } from './tick-shape.mjs';
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
`;

describe('keepTickShapeAlive', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tick-shape-'));
    const source = readFileSync(new URL('./tick-shape.ts', import.meta.url), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(dir, 'tick-shape.mjs'), outputText);
    writeFileSync(join(dir, 'driver.mjs'), DRIVER);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The tick-object literal's property definitions that V8 marked megamorphic. */
  function megamorphicDefinitions(keep: boolean): number {
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--expose-gc', join(dir, 'driver.mjs')],
      { env: { ...process.env, NODE_OPTIONS: '', KEEP: keep ? '1' : '0' }, encoding: 'utf8' },
    );
    expect(out).toContain('DefineKeyedOwnPropertyInLiteral');
    return out.match(/DefineKeyedOwnPropertyInLiteral MEGAMORPHIC/g)?.length ?? 0;
  }

  it('without it, collections between ticks turn nextTick megamorphic (the failure it prevents)', () => {
    expect(megamorphicDefinitions(false)).toBeGreaterThan(0);
  });

  it('with it, the tick object keeps one shape across collections', () => {
    expect(megamorphicDefinitions(true)).toBe(0);
  });
});
