// Bundles the Electron main process (ESM) and the preload (CommonJS: sandboxed preloads cannot load ESM).
// electron-store is ESM-only and is bundled in; fluent-ffmpeg stays external (it loads files at run time).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await build({
  ...common,
  entryPoints: { main: 'electron/main.ts' },
  outdir: 'dist-electron',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  external: ['electron', 'fluent-ffmpeg'],
  banner: { js: "import { createRequire as __storyreelRequire } from 'node:module'; const require = __storyreelRequire(import.meta.url);" },
});

await build({
  ...common,
  entryPoints: { preload: 'electron/preload.ts' },
  outdir: 'dist-electron',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['electron'],
});
console.log('built dist-electron/main.mjs and dist-electron/preload.cjs');
