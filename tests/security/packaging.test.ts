// The packaging, checked here without downloading Electron or ffmpeg: electron-builder.yml (against
// electron-builder's own schema), the icon set, the ffmpeg release step in its dry/offline modes with its
// checksum verification, and the release workflow.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Ajv from 'ajv';
import { parse } from 'yaml';

const run = promisify(execFile);
type Target = { target: string; arch?: string[] };
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  files: string[];
  extraResources: Array<{ from: string; to: string }>;
  fileAssociations: Array<{ ext: string; isPackage?: boolean; role?: string }>;
  mac: { target: Target[]; icon: string; hardenedRuntime: boolean };
  win: { target: Target[]; icon: string };
  linux: { target: Target[]; icon: string };
}
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;

/** Width and height from a PNG's IHDR. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('electron-builder.yml is valid for electron-builder and targets NSIS, dmg+zip universal, AppImage+deb', () => {
  const schema = JSON.parse(readFileSync('node_modules/app-builder-lib/scheme.json', 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  assert.ok(validate(config), JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(config.appId, 'app.storyreel.desktop');
  assert.equal(config.productName, 'Storyreel');
  assert.equal(config.asar, true);
  assert.deepEqual(config.win.target.map((t) => t.target), ['nsis']);
  assert.deepEqual(config.mac.target.map((t) => [t.target, t.arch]), [['dmg', ['universal']], ['zip', ['universal']]]);
  assert.deepEqual(config.linux.target.map((t) => t.target), ['AppImage', 'deb']);
  assert.equal(config.mac.hardenedRuntime, true);
  // The bundled ffmpeg goes where the app looks for it (resolveFfmpeg: resources/ffmpeg/).
  assert.ok(config.extraResources.some((r) => r.from === 'build/ffmpeg/bin/${os}-${arch}' && r.to === 'ffmpeg'));
  assert.ok(config.extraResources.some((r) => r.to === 'fonts'));
  assert.deepEqual(config.fileAssociations.map((f) => [f.ext, f.isPackage]), [['storyreel', true]], 'a project folder (macOS package) opens in the app');
  assert.ok(config.files.includes('dist-electron/**') && config.files.includes('dist-renderer/**'));
  assert.ok(!config.files.some((f) => /tests|\.env|node_modules/.test(f)), 'nothing but the build goes into the asar');
});

test('the icon set exists: 1024 px master, a Windows .ico, Linux sizes', () => {
  assert.deepEqual(pngSize(config.mac.icon), { width: 1024, height: 1024 });
  assert.equal(readFileSync(config.win.icon).readUInt16LE(2), 1, 'an ICO file');
  for (const n of [16, 32, 48, 64, 128, 256, 512]) assert.deepEqual(pngSize(path.join(config.linux.icon, `${n}x${n}.png`)), { width: n, height: n });
});

test('npm run dist fetches the pinned ffmpeg before packaging', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts.dist ?? '', /node scripts\/fetch-ffmpeg\.mjs .*electron-builder/);
});

test('fetch-ffmpeg: dry and offline runs check build/ffmpeg/checksums.json and skip downloading, saying why', async () => {
  for (const mode of ['--dry-run', '--offline']) {
    const args = ['scripts/fetch-ffmpeg.mjs', mode, ...['linux-x64', 'linux-arm64', 'mac-x64', 'mac-arm64', 'win-x64', 'win-arm64'].flatMap((t) => ['--target', t])];
    const { stdout } = await run(process.execPath, args);
    assert.match(stdout, /checksums\.json checked: FFmpeg \S+, 6 targets/);
    assert.match(stdout, /skipping download: --(dry-run|offline)/);
    console.log(stdout.trim());
  }
  await assert.rejects(run(process.execPath, ['scripts/fetch-ffmpeg.mjs', '--dry-run', '--target', 'beos-x64']), /unknown target beos-x64/);
});

test('fetch-ffmpeg: an archive is bundled only when it matches its recorded sha256', async () => {
  const mod = (await import(pathToFileURL(path.resolve('scripts/fetch-ffmpeg.mjs')).href)) as {
    verifyArchive(file: string, sha256: string): Promise<void>;
    checkManifest(manifest: unknown): string[];
    TARGETS: string[];
  };
  const manifest = JSON.parse(readFileSync('build/ffmpeg/checksums.json', 'utf8'));
  assert.deepEqual(mod.checkManifest(manifest), [], 'the recorded manifest is complete');
  assert.ok(existsSync(manifest.licenceFile), 'the GPL text ships with the binaries');

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-fetch-'));
  try {
    const file = path.join(dir, 'ffmpeg.tar.xz');
    await fs.writeFile(file, 'pretend archive');
    const sum = createHash('sha256').update('pretend archive').digest('hex');
    await mod.verifyArchive(file, sum);
    await fs.appendFile(file, '!');
    await assert.rejects(mod.verifyArchive(file, sum), /does not match the recorded/);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const broken = structuredClone(manifest);
  delete broken.targets['win-arm64'];
  broken.targets['linux-x64'][0].sha256 = 'abc';
  broken.targets['mac-x64'][0].url = 'http://evermeet.cx/ffmpeg/ffmpeg-7.1.zip';
  const problems = mod.checkManifest(broken);
  assert.ok(problems.some((p) => /win-arm64: no archive/.test(p)));
  assert.ok(problems.some((p) => /malformed sha256/.test(p)));
  assert.ok(problems.some((p) => /not an https URL/.test(p)));
});

test('the release workflow builds the installers on a tag on Linux, macOS and Windows', () => {
  const wf = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
    on: { push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: Record<string, { 'runs-on': string; needs?: string; strategy?: { matrix: { include: Array<{ os: string; builder: string }> } }; steps: Array<{ run?: string; uses?: string }> }>;
  };
  assert.deepEqual(wf.on.push.tags, ['v*.*.*']);
  assert.equal(wf.permissions.contents, 'write');
  const pkg = wf.jobs.package!;
  assert.equal(pkg.needs, 'test', 'installers only after the tests pass');
  assert.deepEqual(pkg.strategy!.matrix.include.map((m) => [m.os, m.builder]), [['ubuntu-latest', '--linux'], ['macos-latest', '--mac'], ['windows-latest', '--win']]);
  const runs = pkg.steps.map((s) => s.run ?? s.uses ?? '');
  const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
  assert.ok(at(/fetch-ffmpeg\.mjs/) >= 0 && at(/fetch-ffmpeg\.mjs/) < at(/electron-builder/), 'ffmpeg is fetched (and checked) before packaging');
  assert.ok(at(/electron-builder .*--publish always/) >= 0);
  assert.ok(wf.jobs.test!.steps.some((s) => s.run === 'npm test'));
});
