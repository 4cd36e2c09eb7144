import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PROJECT_FORMAT_VERSION } from '../../shared/project.ts';
import { rejectsWith } from '../helpers/assert.ts';
import { acquireLock } from '../../electron/services/projects/lock.ts';
import { createProject, ProjectStore, readProject } from '../../electron/services/projects/store.ts';

let root: string;
before(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-projects-'));
});
after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('a new project has the documented layout and format version', async () => {
  const dir = path.join(root, 'new');
  await createProject(dir, { title: 'Night Ferry', scenes: [{ prompt: 'a ferry', seconds: 4 }] });
  for (const sub of ['media', 'exports', '.storyreel']) assert.ok((await fs.stat(path.join(dir, sub))).isDirectory(), sub);
  const raw = JSON.parse(await fs.readFile(path.join(dir, 'project.json'), 'utf8'));
  assert.equal(raw.formatVersion, PROJECT_FORMAT_VERSION);
  assert.equal(raw.title, 'Night Ferry');
  assert.equal(raw.provider, 'preview');
  assert.equal(raw.size, '1280x720');
  assert.deepEqual(Object.keys(raw.scenes[0]).sort(), ['caption', 'chosenTake', 'continuity', 'id', 'lastError', 'prompt', 'referenceImage', 'seconds', 'takes', 'transition']);
  await rejectsWith(createProject(dir), 'InvalidInput', /already holds/);
});

test('edits are saved to disk at once, in order, and survive a reopen', async () => {
  const dir = path.join(root, 'edits');
  await createProject(dir);
  const store = await ProjectStore.open(dir);
  await store.addScene(null, 'one', 4);
  await store.addScene(null, 'three', 4);
  const first = store.get().scenes[0]!.id;
  await store.addScene(first, 'two', 8);
  // Many quick edits, as a typing creator makes them: the last one must win on disk.
  await Promise.all(Array.from({ length: 25 }, (_, i) => store.updateScene(first, { prompt: `one v${i}` })));
  await store.flush();
  const reread = await readProject(dir);
  assert.deepEqual(reread.scenes.map((s) => s.prompt), ['one v24', 'two', 'three']);
  assert.deepEqual(reread.scenes.map((s) => s.seconds), [4, 8, 4]);
  const third = reread.scenes[2]!.id;
  await store.moveScene(third, 0);
  await store.removeScene(first);
  assert.deepEqual((await readProject(dir)).scenes.map((s) => s.prompt), ['three', 'two']);
  const leftovers = (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'no temp files left behind');
});

test('an invalid change is refused and nothing is written', async () => {
  const dir = path.join(root, 'invalid');
  await createProject(dir, { scenes: [{ prompt: 'x', seconds: 4 }] });
  const store = await ProjectStore.open(dir);
  const before = await fs.readFile(path.join(dir, 'project.json'), 'utf8');
  await rejectsWith(store.updateScene(store.get().scenes[0]!.id, { seconds: -3 }), 'InvalidInput');
  await rejectsWith(store.update({ size: 'huge' }), 'InvalidInput');
  assert.equal(await fs.readFile(path.join(dir, 'project.json'), 'utf8'), before);
  assert.equal(store.get().scenes[0]!.seconds, 4);
});

test('a corrupt project.json gets a clear error and is left byte-for-byte untouched', async () => {
  const dir = path.join(root, 'corrupt');
  await createProject(dir);
  const file = path.join(dir, 'project.json');
  const damaged = (await fs.readFile(file, 'utf8')).slice(0, 70);
  await fs.writeFile(file, damaged);
  await rejectsWith(ProjectStore.open(dir), 'ProjectCorrupt', /damaged.*left untouched/);
  assert.equal(await fs.readFile(file, 'utf8'), damaged);

  const wrongShape = JSON.stringify({ formatVersion: 1, title: 5 });
  await fs.writeFile(file, wrongShape);
  await rejectsWith(ProjectStore.open(dir), 'ProjectCorrupt', /not a valid Storyreel project/);
  assert.equal(await fs.readFile(file, 'utf8'), wrongShape);
});

test('a project from a newer Storyreel is refused and left untouched', async () => {
  const dir = path.join(root, 'newer');
  await createProject(dir);
  const file = path.join(dir, 'project.json');
  const raw = JSON.parse(await fs.readFile(file, 'utf8'));
  raw.formatVersion = PROJECT_FORMAT_VERSION + 1;
  raw.somethingNew = { a: 1 };
  const text = JSON.stringify(raw);
  await fs.writeFile(file, text);
  await rejectsWith(ProjectStore.open(dir), 'ProjectTooNew', /newer Storyreel/);
  assert.equal(await fs.readFile(file, 'utf8'), text);
});

test('addTake is idempotent per job and makes the first take the chosen one', async () => {
  const dir = path.join(root, 'takes');
  await createProject(dir, { scenes: [{ prompt: 'x', seconds: 4 }] });
  const store = await ProjectStore.open(dir);
  const sceneId = store.get().scenes[0]!.id;
  await store.recordSceneError(sceneId, { code: 'ModerationBlocked', message: 'blocked' });
  const take = { id: 'take_1', jobId: 'job_1', provider: 'preview', model: 'animatic', file: 'media/a.mp4', thumbnail: null, seconds: 4, size: '1280x720', prompt: 'x', providerJobId: 'p1', costUsd: 0, createdAt: new Date().toISOString(), rating: 0 };
  assert.equal(await store.addTake(sceneId, take), true);
  assert.equal(await store.addTake(sceneId, { ...take, id: 'take_dup' }), true);
  await store.addTake(sceneId, { ...take, id: 'take_2', jobId: 'job_2' });
  const scene = (await readProject(dir)).scenes[0]!;
  assert.deepEqual(scene.takes.map((t) => t.id), ['take_1', 'take_2']);
  assert.equal(scene.chosenTake, 'take_1');
  assert.equal(scene.lastError, null, 'a new take clears the last error');
  assert.equal(await store.addTake('scene_gone', take), false);
  await store.rateTake(sceneId, 'take_2', 4);
  await store.chooseTake(sceneId, 'take_2');
  await rejectsWith(store.chooseTake(sceneId, 'take_nope'), 'NotFound');
  const saved = (await readProject(dir)).scenes[0]!;
  assert.equal(saved.chosenTake, 'take_2');
  assert.equal(saved.takes[1]!.rating, 4);
});

test('the project lock refuses a second live owner and takes over from a dead one', async () => {
  const dir = path.join(root, 'lock');
  await fs.mkdir(dir, { recursive: true });
  // A live process that is not us holds the lock.
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    await fs.writeFile(path.join(dir, 'lock'), JSON.stringify({ pid: sleeper.pid, host: os.hostname(), owner: 'command line' }));
    await rejectsWith(acquireLock(dir, 'app'), 'ProjectLocked', /command line/);
  } finally {
    sleeper.kill('SIGKILL');
    await new Promise((r) => sleeper.once('exit', r));
  }
  // Its owner is gone (as after a SIGKILL): the lock is stale and is taken over.
  const lock = await acquireLock(dir, 'app');
  const held = JSON.parse(await fs.readFile(path.join(dir, 'lock'), 'utf8'));
  assert.equal(held.pid, process.pid);
  await lock.release();
  await assert.rejects(fs.access(path.join(dir, 'lock')));
});

test('reopening a project in the same process keeps the lock until the last holder lets go', async () => {
  const dir = path.join(root, 'relock');
  await fs.mkdir(dir, { recursive: true });
  const first = await acquireLock(dir, 'app');
  const second = await acquireLock(dir, 'app'); // the same project opened again (our own pid: taken over)
  await first.release(); // closing the old session must not remove the new session's lock
  await fs.access(path.join(dir, 'lock'));
  await second.release();
  await assert.rejects(fs.access(path.join(dir, 'lock')));
});

