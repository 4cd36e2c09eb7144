// Bundles the Electron main process (ESM), the preload (CommonJS: sandboxed preloads cannot load ESM) and
// the command-line interface (ESM, run by bin/storyreel.mjs).
// electron-store is ESM-only and is bundled in; fluent-ffmpeg stays external (it loads files at run time).
//   node scripts/build-electron.mjs        all three
//   node scripts/build-electron.mjs cli    the CLI only (what `npm run build:cli` and the tests need)
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

/**
 * Inside a bundle, `import.meta.url` is the bundle's own address. The services use it for files next to
 * their source (animatic.ts finds build/fonts/ three folders up): keep that meaning by putting the source
 * file's address in its place, computed from the bundle's location so the package can move.
 */
const sourceRelativeImportMetaUrl = (outdir) => ({
  name: 'source-relative-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /[\\/]electron[\\/]services[\\/].*\.ts$/ }, async (args) => {
      const text = await fs.readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromOut = path.relative(path.resolve(outdir), args.path).split(path.sep).join('/');
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`), loader: 'ts' };
    });
  },
});

/** The CLI: --help and --version load only the entry chunk; each command imports its services as a chunk. */
async function buildCli() {
  const outdir = 'dist-cli';
  await fs.rm(outdir, { recursive: true, force: true });
  const result = await build({
    ...common,
    // The CLI runs on the user's Node (package.json engines), not on Electron's.
    target: 'node20.19',
    entryPoints: { cli: 'electron/cli.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
    external: ['fluent-ffmpeg'],
    banner: { js: "import { createRequire as __storyreelRequire } from 'node:module'; const require = __storyreelRequire(import.meta.url);" },
    plugins: [sourceRelativeImportMetaUrl(outdir)],
  });
  // The repo files it was built from, so a checkout's bin/storyreel.mjs can tell when it is out of date.
  const sources = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  await fs.writeFile(path.join(outdir, 'sources.json'), JSON.stringify(sources) + '\n');
}

if (process.argv[2] === 'cli') {
  await buildCli();
  console.log('built dist-cli/cli.mjs');
  process.exit(0);
}

// The contract's channel list, read from shared/contract.ts itself (one source of truth) for the preload.
const listed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { channels } = await import('./shared/contract.ts'); process.stdout.write(JSON.stringify(channels()));"], { encoding: 'utf8' });
if (listed.status !== 0) throw new Error(`could not read the contract's channels: ${listed.stderr}`);
const channels = listed.stdout;

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
await buildCli();
console.log('built dist-electron/main.mjs, dist-electron/preload.cjs and dist-cli/cli.mjs');
