/** Jest 30 in ESM mode (run through `npm test`, which sets --experimental-vm-modules). */
const tsJest = [
  'ts-jest',
  {
    useESM: true,
    tsconfig: 'tsconfig.json',
    // TS151002 suggests isolatedModules, which would starve the swagger plugin of its program.
    diagnostics: { ignoreCodes: [151002] },
    // The @nestjs/swagger CLI plugin, so the spec served in tests matches `nest build`.
    astTransformers: {
      before: [
        {
          path: './test/support/swagger-plugin.transformer.cjs',
          options: {
            classValidatorShim: true,
            introspectComments: true,
            controllerKeyOfComment: 'description',
            dtoFileNameSuffix: ['.dto.ts'],
            controllerFileNameSuffix: ['.controller.ts'],
          },
        },
      ],
    },
  },
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The SDK workspace is consumed as TypeScript source (its package.json exports src/index.ts).
    '^@image-forge/sdk$': '<rootDir>/sdk/src/index.ts',
  },
  transform: { '^.+\\.ts$': tsJest },
  testTimeout: 60_000,
  maxWorkers: 2,
  // Jest in ESM mode keeps every test file's modules in its worker (jestjs/jest#14605), so a
  // worker ends the suite holding 2–3 GB, and a Node process with a heap that size takes 0.3–0.4 s
  // to exit on an idle core here. Jest's default 500 ms grace ran out in every full run of a day
  // ("A worker process has failed to exit gracefully") although nothing was left open: with 20 s,
  // no worker was force exited, and the last files left no timer, socket or child process alive.
  // A worker that does hang is still force exited, after this.
  workerGracefulExitTimeout: 5_000,
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/sdk/src'],
  testMatch: ['**/*.spec.ts'],
};
