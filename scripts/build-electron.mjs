// Bundles the Electron main process (ESM) and the preload (CommonJS: sandboxed preloads cannot load ESM).
// electron-store is ESM-only and is bundled in; fluent-ffmpeg stays external (it loads files at run time).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

// The contract's channel list, read from shared/contract.ts itself (one source of truth) for the preload.
const listed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { channels } = await import('./shared/contract.ts'); process.stdout.write(JSON.stringify(channels()));"], { encoding: 'utf8' });
if (listed.status !== 0) throw new Error(`could not read the contract's channels: ${listed.stderr}`);
const channels = listed.stdout;

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
  define: { __STORYREEL_CHANNELS__: channels },
});
console.log('built dist-electron/main.mjs and dist-electron/preload.cjs');
