// Runs every test with Node's built-in runner (TypeScript through tsx).
//   node scripts/run-tests.mjs [unit|integration|security|e2e ...]   (no argument: all four)
// The e2e suite needs the bridge build of the renderer, and the suites that spawn the CLI the built CLI;
// both are built here first.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const wanted = suites.length ? suites : ['unit', 'integration', 'security', 'e2e'];
const files = [];
const walk = (dir) => {
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const s of wanted) walk(path.join('tests', s));
if (!files.length) {
  console.error(`no test files under ${wanted.map((s) => `tests/${s}`).join(', ')}`);
  process.exit(1);
}

// The CLI tests (integration, security) spawn bin/storyreel.mjs, which runs the built CLI: build it (half a
// second), so they test the code in this checkout as it ships.
if (wanted.includes('integration') || wanted.includes('security')) {
  const cli = spawnSync(process.execPath, ['scripts/build-electron.mjs', 'cli'], { stdio: 'inherit' });
  if (cli.status !== 0) process.exit(cli.status ?? 1);
}
if (wanted.includes('e2e')) {
  const vite = spawnSync('npx', ['vite', 'build', '--mode', 'bridge', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}

const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-reporter=spec', ...files];
const run = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, STORYREEL_TEST: '1' } });
process.exit(run.status ?? 1);
