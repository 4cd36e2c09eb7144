// npm start: build, then run the app in Electron. Electron's binary comes from a download during
// `npm install` (node_modules/electron/install.js); when that download failed or was skipped
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network), `electron .` ends in a stack trace from inside the
// electron package. Checked first here, so the creator is told what to run instead — before a build.
//   node scripts/start.mjs [--check]   (--check: only say whether Electron can start; exit 0 or 1)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = process.env.STORYREEL_ELECTRON_DIR ?? path.join(root, 'node_modules', 'electron');

/** The Electron binary, or why it cannot be started (in words, with what to run). */
function electronBinary() {
  if (!existsSync(path.join(pkgDir, 'package.json'))) return { why: 'Electron is not installed (node_modules/electron is missing). Run: npm install' };
  const pathFile = path.join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const bin = override ? path.join(override, rel || 'electron') : rel ? path.join(pkgDir, 'dist', rel) : '';
  if (bin && existsSync(bin)) return { bin };
  return {
    why:
      "Electron's program was not downloaded (node_modules/electron/dist is missing: the download during npm install failed, or was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD).\n" +
      'Fetch it with:  node node_modules/electron/install.js\n' +
      '(it downloads from github.com; behind a proxy or mirror set ELECTRON_MIRROR, see https://www.electronjs.org/docs/latest/tutorial/installation).\n' +
      'Everything else works without it: the command line (node bin/storyreel.mjs --help), the tests (npm test), and the UI in a browser (npm run bridge).',
  };
}

const found = electronBinary();
if (found.why) {
  process.stderr.write(`storyreel: cannot start the app. ${found.why}\n`);
  process.exit(1);
}
if (process.argv.includes('--check')) {
  process.stdout.write(`Electron: ${found.bin}\n`);
  process.exit(0);
}
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawn(found.bin, ['.'], { cwd: root, stdio: 'inherit' });
app.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => app.kill(s));
