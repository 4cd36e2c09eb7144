// Crashes leave hidden partial exports and temp files beside project.json (15 MB after 8 kills in the
// review). Opening the project removes what an earlier process left; a canceled export leaves nothing.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';

const run = promisify(execFile);
const CHILD = path.resolve('tests/security/helpers/export-child.ts');
let root: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-leftovers-'));
  // 90 s of sound at the project's size: the export takes the fast path, whose one ffmpeg writes the hidden
  // partial film while it encodes all that sound. (A take at another size goes through the windowed render,
  // which encodes into its cache and writes the partial film only for its short final join.)
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=160x120:r=30:d=90', '-f', 'lavfi', '-i', 'sine=d=90', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(root, 'long.mp4')]);
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const newApp = () => new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });

async function projectWithLongTake(name: string): Promise<string> {
  const dir = path.join(root, name);
  await createProject(dir, { title: name });
  await fs.copyFile(path.join(root, 'long.mp4'), path.join(dir, 'media', 'long.mp4'));
  const file = path.join(dir, 'project.json');
  const project = JSON.parse(await fs.readFile(file, 'utf8'));
  project.size = '160x120';
  const take = { id: 't1', jobId: 'job_t1', provider: 'preview', model: 'animatic', file: 'media/long.mp4', thumbnail: null, seconds: 90, size: '160x120', prompt: 'p', providerJobId: null, costUsd: 0, createdAt: new Date().toISOString(), rating: 0 };
  project.scenes = [{ id: 's1', prompt: 'one', seconds: 90, transition: 'cut', referenceImage: null, takes: [take], chosenTake: 't1', lastError: null }];
  await fs.writeFile(file, JSON.stringify(project, null, 2));
  return dir;
}

/** Resolves once a hidden partial export shows up in `exports`. */
async function partialAppears(exportsDir: string, stillRunning: () => boolean): Promise<string> {
  for (;;) {
    const part = (await fs.readdir(exportsDir)).find((n) => n.startsWith('.') && n.endsWith('.part'));
    if (part) return part;
    if (!stillRunning()) throw new Error('the export ended before its partial file was seen');
    await new Promise((r) => setImmediate(r));
  }
}

test('opening a project removes old temp files and partial exports, and keeps everything else', async () => {
  const dir = path.join(root, 'planted');
  await createProject(dir, { title: 'planted' });
  const old = [
    '.project.json.4242.0a1b2c3d.tmp',
    'exports/.film-2026-01-01T00-00-00.mp4.9f8e7d6c.part',
    'exports/.film-2026-01-01T00-00-00.mp4.9f8e7d6c.part.ffconcat',
    '.storyreel/jobs/.job_abc.json.4242.11223344.tmp',
    'media/s1-job_abc.thumb.part',
  ];
  const kept = [
    'exports/film.mp4',
    'media/s1-job_abc.mp4',
    '.storyreel/downloads/job_abc.mp4.part',
    'exports/notes.part',
    '.storyreel/spend.jsonl',
  ];
  const past = new Date(Date.now() - 3600_000);
  for (const rel of [...old, ...kept]) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), Buffer.alloc(1000));
    await fs.utimes(path.join(dir, rel), past, past);
  }
  // A conform package a crash left half-written: a hidden folder with files in it.
  const pkg = 'exports/.Harbour-conform.4242.0a0b0c0d.part';
  await fs.mkdir(path.join(dir, pkg, 'media'), { recursive: true });
  await fs.writeFile(path.join(dir, pkg, 'media', 'S01.mp4'), Buffer.alloc(1000));
  await fs.utimes(path.join(dir, pkg), past, past);
  const keptFolder = 'exports/Harbour-conform';
  await fs.mkdir(path.join(dir, keptFolder), { recursive: true });
  await fs.utimes(path.join(dir, keptFolder), past, past);
  old.push(pkg);
  kept.push(keptFolder);
  // Written by this very process just now: not a leftover of an earlier one.
  const fresh = '.project.json.4243.55667788.tmp';
  await fs.writeFile(path.join(dir, fresh), 'x');

  const app = newApp();
  try {
    await app.openProject(dir);
  } finally {
    await app.shutdown();
  }
  for (const rel of old) assert.equal(existsSync(path.join(dir, rel)), false, `${rel} was left`);
  for (const rel of [...kept, fresh]) assert.equal(existsSync(path.join(dir, rel)), true, `${rel} was removed`);
});

test('a canceled export leaves nothing in exports/', async () => {
  const dir = await projectWithLongTake('canceled');
  const app = newApp();
  try {
    await app.openProject(dir);
    const started = app.startExport();
    let running = true;
    void app.waitExport(started.id).finally(() => (running = false));
    await partialAppears(path.join(dir, 'exports'), () => running);
    const result = await app.cancelExport(started.id);
    assert.equal(result.state, 'canceled');
    assert.deepEqual(await fs.readdir(path.join(dir, 'exports')), []);
  } finally {
    await app.shutdown();
  }
});

test('an export killed with its ffmpeg (SIGKILL) leaves a partial file that the next open removes', async (t) => {
  if (process.platform === 'win32') {
    t.skip('process groups are POSIX');
    return;
  }
  const dir = await projectWithLongTake('killed');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'export', dir], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } });
  let running = true;
  const exited = new Promise<void>((resolve) => child.on('exit', () => ((running = false), resolve())));
  const part = await partialAppears(path.join(dir, 'exports'), () => running);
  // The whole group: the Storyreel process and the ffmpeg it started, as a crash or power cut would.
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  assert.ok(existsSync(path.join(dir, 'exports', part)), 'the kill left a partial export behind');

  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, 'open', dir]);
  assert.deepEqual(JSON.parse(stdout), [], 'exports/ is empty after the next open');
});
