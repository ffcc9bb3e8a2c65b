import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** The budget of the issue: JavaScript a first visit downloads, gzipped. */
const FIRST_LOAD_BUDGET = 150 * 1024;

export default defineConfig({
  // Preact's automatic JSX runtime, without a plugin (Vite 8 transforms with oxc).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Keep every asset a file: the page's Content-Security-Policy allows no inline code.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  // `npm run dev -w web`: the dashboard with hot reload, the API from `npm start` on :3000.
  server: {
    proxy: { '/api': 'http://localhost:3000', '/docs': 'http://localhost:3000' },
  },
  plugins: [firstLoadBudget(), precompress()],
});

/**
 * Prints the JavaScript a first visit loads (the entry chunk and what it imports statically),
 * gzipped, and fails the build over budget. Lazy chunks are listed apart.
 */
function firstLoadBudget(): Plugin {
  return {
    name: 'image-forge:first-load-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((output) => output.type === 'chunk')
          .map((chunk) => [chunk.fileName, chunk]),
      );
      const firstLoad = new Set<string>();
      const visit = (fileName: string) => {
        if (firstLoad.has(fileName)) return;
        firstLoad.add(fileName);
        for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      const gzipped = (fileName: string) =>
        gzipSync(chunks.get(fileName)!.code, { level: 9 }).length;
      const total = [...firstLoad].reduce((sum, fileName) => sum + gzipped(fileName), 0);
      const lazy = [...chunks.keys()].filter((fileName) => !firstLoad.has(fileName));
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      // A plain line, so `npm run build` shows it whatever Vite's log level.
      process.stdout.write(
        `\nfirst-load JS: ${kb(total)} gzipped (budget ${kb(FIRST_LOAD_BUDGET)}), ` +
          `${firstLoad.size} chunk(s)` +
          (lazy.length > 0
            ? `; lazy: ${lazy.map((f) => `${f} ${kb(gzipped(f))}`).join(', ')}`
            : '') +
          '\n',
      );
      if (total > FIRST_LOAD_BUDGET) {
        this.error(
          `first-load JS is ${kb(total)} gzipped, over the ${kb(FIRST_LOAD_BUDGET)} budget`,
        );
      }
    },
  };
}

/** Writes .br and .gz beside text assets; the service sends them to browsers that accept them. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'image-forge:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|svg|json)$/.test(fileName)) continue;
        const output = bundle[fileName];
        const source = output.type === 'chunk' ? output.code : output.source;
        const bytes = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        if (bytes.length < 1024) continue;
        const path = join(outDir, fileName);
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}
