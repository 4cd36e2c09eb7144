// bin/storyreel.mjs decides what to run: the built CLI when it is there and up to date, else (in a checkout)
// the source through tsx with a one-line notice, else a message saying how to build. Checked on a copy of
// bin/ in a temp "checkout" whose built CLI and source are stand-ins that say which one ran.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

const exec = promisify(execFile);
let root: string;
const run = () => exec(process.execPath, [path.join(root, 'bin', 'storyreel.mjs'), '--version'], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
const setTime = (rel: string, seconds: number) => fs.utimes(path.join(root, rel), seconds, seconds);

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-bin-'));
  await fs.writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'storyreel', type: 'module' }));
  await fs.mkdir(path.join(root, 'bin'));
  await fs.copyFile(path.resolve('bin', 'storyreel.mjs'), path.join(root, 'bin', 'storyreel.mjs'));
  await fs.mkdir(path.join(root, 'dist-cli'));
  await fs.writeFile(path.join(root, 'dist-cli', 'cli.mjs'), "process.stdout.write('built\\n');\n");
  await fs.writeFile(path.join(root, 'dist-cli', 'sources.json'), JSON.stringify(['electron/cli.ts', 'shared/a.ts']));
  await fs.mkdir(path.join(root, 'electron'));
  await fs.mkdir(path.join(root, 'shared'));
  await fs.writeFile(path.join(root, 'electron', 'cli.ts'), "const from: string = 'source';\nprocess.stdout.write(from + '\\n');\n");
  await fs.writeFile(path.join(root, 'shared', 'a.ts'), 'export {};\n');
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('an up-to-date build runs, silently', async () => {
  await setTime('electron/cli.ts', 1_000_000);
  await setTime('shared/a.ts', 1_000_000);
  await setTime('dist-cli/cli.mjs', 2_000_000);
  assert.deepEqual(await run(), { stdout: 'built\n', stderr: '' });
});

test('a source file newer than the build: the source runs through tsx, and one line says why and how to build', async () => {
  await fs.symlink(path.resolve('node_modules'), path.join(root, 'node_modules'), 'dir');
  try {
    await setTime('shared/a.ts', 3_000_000);
    const { stdout, stderr } = await run();
    assert.equal(stdout, 'source\n');
    assert.match(stderr, /^storyreel: shared\/a\.ts changed since dist-cli\/ was built; running the source through tsx \(slow start\)\. `npm run build:cli` makes it start fast\.\n$/);
    await setTime('shared/a.ts', 1_000_000);
    await fs.rename(path.join(root, 'dist-cli'), path.join(root, 'dist-cli-away'));
    const missing = await run();
    assert.equal(missing.stdout, 'source\n');
    assert.match(missing.stderr, /^storyreel: dist-cli\/ is not built; running the source through tsx/);
  } finally {
    await fs.rm(path.join(root, 'node_modules'));
    await fs.rename(path.join(root, 'dist-cli-away'), path.join(root, 'dist-cli')).catch(() => undefined);
  }
});

test('no build and no tsx: exit 1 with the commands that build it', async () => {
  await fs.rename(path.join(root, 'dist-cli'), path.join(root, 'dist-cli-away'));
  try {
    await assert.rejects(run(), (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /dist-cli\/ is not built, and tsx is not installed to run the source\. In .* run: npm install && npm run build:cli/);
      return true;
    });
  } finally {
    await fs.rename(path.join(root, 'dist-cli-away'), path.join(root, 'dist-cli'));
  }
});

test('a packed install (no sources.json, no source) runs the build without checking anything', async () => {
  await fs.rm(path.join(root, 'dist-cli', 'sources.json'));
  await fs.rm(path.join(root, 'electron'), { recursive: true });
  await setTime('dist-cli/cli.mjs', 1);
  assert.deepEqual(await run(), { stdout: 'built\n', stderr: '' });
});

test('what npm pack ships (package.json "files") runs on its own: init, then render a Preview film, with its own font', { timeout: 240000 }, async () => {
  const pkg = JSON.parse(await fs.readFile('package.json', 'utf8')) as { files: string[]; bin: Record<string, string> };
  const installed = path.join(root, 'installed');
  await fs.mkdir(installed);
  for (const entry of pkg.files.filter((f) => !f.startsWith('!'))) {
    await fs.cp(path.resolve(entry), path.join(installed, entry), { recursive: true, filter: (src) => !src.endsWith('.map') && path.basename(src) !== 'sources.json' });
  }
  await fs.copyFile('package.json', path.join(installed, 'package.json'));
  await fs.symlink(path.resolve('node_modules'), path.join(installed, 'node_modules'), 'dir');
  const bin = path.join(installed, pkg.bin.storyreel!);
  const film = path.join(root, 'film');
  const cli = (args: string[]) => exec(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 200000 });

  await cli(['init', film, '--title', 'Packed']);
  const file = path.join(film, 'project.json');
  const project = JSON.parse(await fs.readFile(file, 'utf8'));
  project.size = '640x360';
  project.scenes = [1, 2].map((n) => ({ id: `s${n}`, prompt: `Shot ${n}`, seconds: 2, transition: 'cut', referenceImage: null, takes: [], chosenTake: null, lastError: null }));
  await fs.writeFile(file, JSON.stringify(project));
  const out = path.join(root, 'packed.mp4');
  const { stdout, stderr } = await cli(['render', film, '--out', out]);
  assert.equal(stderr, '');
  assert.match(stdout, /Wrote .*packed\.mp4 \(4\.0 s/);
  // The bundled services still find build/fonts/ beside their (original) source folder: in the package.
  const log = await fs.readFile(path.join(film, '.storyreel', 'logs', 'cli.log'), 'utf8');
  assert.ok(log.includes(`fontfile=${path.join(installed, 'build', 'fonts', 'DejaVuSans.ttf')}`), 'the animatic is drawn with the packaged font');
});
