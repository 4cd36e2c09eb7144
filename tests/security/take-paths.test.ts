// A take's `file` comes from project.json, which anyone can edit. Export uses a take only when it is a
// regular file under the project's media/ after resolving symlinks; anything else is refused by scene.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { EnvSecrets, MemorySettings, Storyreel } from '../../electron/services/app.ts';
import { resolveFfmpeg } from '../../electron/services/media/ffmpeg.ts';
import { createProject } from '../../electron/services/projects/store.ts';

const run = promisify(execFile);
let root: string;

before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-sec-takes-'));
  // One tiny real clip (1 s, picture and sound), used both inside and outside the project.
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=640x360:r=30:d=1', '-f', 'lavfi', '-i', 'sine=d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(root, 'clip.mp4')]);
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function take(id: string, file: string) {
  return { id, jobId: `job_${id}`, provider: 'preview', model: 'animatic', file, thumbnail: null, seconds: 1, size: '640x360', prompt: 'p', providerJobId: null, costUsd: 0, createdAt: new Date().toISOString(), rating: 0 };
}

/** A two-scene project whose second scene's chosen take is `file`; exports and returns the result. */
async function exportWithSecondTake(name: string, file: string) {
  const dir = path.join(root, name);
  await createProject(dir, { title: name });
  await fs.copyFile(path.join(root, 'clip.mp4'), path.join(dir, 'media', 'good.mp4'));
  await fs.copyFile(path.join(root, 'clip.mp4'), path.join(root, 'outside.mp4'));
  await fs.symlink(path.join(root, 'outside.mp4'), path.join(dir, 'media', 'link-out.mp4'));
  await fs.symlink('good.mp4', path.join(dir, 'media', 'link-in.mp4'));
  await fs.mkdir(path.join(dir, '.storyreel'), { recursive: true });
  await fs.copyFile(path.join(root, 'clip.mp4'), path.join(dir, '.storyreel', 'hidden.mp4'));
  const projectFile = path.join(dir, 'project.json');
  const project = JSON.parse(await fs.readFile(projectFile, 'utf8'));
  project.size = '640x360';
  project.scenes = [
    { id: 's1', prompt: 'one', seconds: 1, transition: 'cut', referenceImage: null, takes: [take('t1', 'media/good.mp4')], chosenTake: 't1', lastError: null },
    { id: 's2', prompt: 'two', seconds: 1, transition: 'cut', referenceImage: null, takes: [take('t2', file)], chosenTake: 't2', lastError: null },
  ];
  await fs.writeFile(projectFile, JSON.stringify(project, null, 2));
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    await app.openProject(dir);
    const started = app.startExport();
    const result = await app.waitExport(started.id);
    const exported = await fs.readdir(path.join(dir, 'exports'));
    return { result, exported };
  } finally {
    await app.shutdown();
  }
}

for (const [name, file] of [
  ['parent', '../outside.mp4'],
  ['dotdot-inside', 'media/../../outside.mp4'],
  ['symlink-out', 'media/link-out.mp4'],
  ['state-folder', '.storyreel/hidden.mp4'],
  ['absolute', path.join(os.tmpdir(), 'outside.mp4')],
  ['project-root', 'project.json'],
] as const) {
  test(`a take file of "${name}" is refused by scene, and nothing is exported`, async () => {
    const { result, exported } = await exportWithSecondTake(name, file);
    assert.equal(result.state, 'failed', `export of ${file} must fail, got ${result.state}`);
    assert.match(result.error?.message ?? '', /^Scene 2's chosen take is not a video file inside the project's media folder/);
    assert.deepEqual(exported, [], 'nothing left in exports/');
  });
}

test('takes inside media/ (and a symlink that stays inside it) still export', async () => {
  const { result, exported } = await exportWithSecondTake('inside', 'media/link-in.mp4');
  assert.equal(result.state, 'done', result.error?.message);
  assert.equal(exported.length, 1);
});

test('a reference image is sent only from inside media/: a symlink out of it is refused before anything is generated', async () => {
  const dir = path.join(root, 'reference');
  await createProject(dir, { title: 'reference' });
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=64x64', '-frames:v', '1', path.join(root, 'private.png')]);
  await fs.symlink(path.join(root, 'private.png'), path.join(dir, 'media', 'ref.png'));
  const projectFile = path.join(dir, 'project.json');
  const project = JSON.parse(await fs.readFile(projectFile, 'utf8'));
  project.scenes = [{ id: 's1', prompt: 'one', seconds: 1, transition: 'cut', referenceImage: 'media/ref.png', takes: [], chosenTake: null, lastError: null }];
  await fs.writeFile(projectFile, JSON.stringify(project, null, 2));
  const app = new Storyreel({ version: 't', ffmpeg: resolveFfmpeg({ env: process.env }), settings: new MemorySettings(), secrets: new EnvSecrets({}), log: () => undefined, owner: 'test' });
  try {
    await app.openProject(dir);
    await assert.rejects(app.generate(['s1']), (err: { code?: string; message?: string }) => {
      assert.equal(err.code, 'InvalidInput');
      assert.match(err.message ?? '', /reference image must be a file inside the project's media folder/);
      return true;
    });
  } finally {
    await app.shutdown();
  }
});
