// Edits as patches: the store tells what a change did (fields, whole scenes by id, the order), with its
// origin, and applying those patches to the last snapshot gives exactly the new one.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { applyPatches, type ProjectChange } from '../../shared/change.ts';
import { createProject, ProjectStore } from '../../electron/services/projects/store.ts';
import type { Project, Take } from '../../shared/project.ts';

const root = await fs.mkdtemp(path.join(os.tmpdir(), 'storyreel-change-'));
after(() => fs.rm(root, { recursive: true, force: true }));

const take = (id: string): Take => ({ id, jobId: `job_${id}`, provider: 'preview', model: 'animatic', file: `media/${id}.mp4`, thumbnail: null, seconds: 4, size: '1280x720', prompt: 'p', providerJobId: null, costUsd: 0, createdAt: '2026-01-01T00:00:00.000Z', rating: 0 });

test('each change carries only what changed, with its origin, and replays onto the last snapshot', async () => {
  const dir = path.join(root, 'replay');
  await createProject(dir, { scenes: [{ prompt: 'one', seconds: 4 }, { prompt: 'two', seconds: 4 }, { prompt: 'three', seconds: 4 }] });
  const store = await ProjectStore.open(dir);
  const changes: ProjectChange[] = [];
  store.on('change', (c) => changes.push(c));
  let mirror: Project = structuredClone(store.get());
  let version = store.version;
  const [a, b, c] = store.get().scenes.map((s) => s.id) as [string, string, string];

  const edit = await store.updateScene(b, { prompt: 'two, rewritten' });
  assert.equal(edit.origin, 'user');
  assert.deepEqual(edit.patches.map((p) => p.op), ['fields', 'scene'], 'updatedAt and the one scene');
  assert.equal(edit.patches[1]!.op === 'scene' && edit.patches[1]!.scene.id, b);
  assert.ok(await store.addTake(c, take('t1')));
  await store.moveScene(c, 0);
  await store.addScene(a, 'inserted', 8);
  await store.removeScene(b);
  await store.update({ title: 'Renamed' });
  await store.recordSceneError(a, { code: 'X', message: 'went wrong' });
  await store.clearSceneErrors([a]);

  assert.deepEqual(changes.map((ch) => ch.origin), ['user', 'system', 'user', 'user', 'user', 'user', 'system', 'step']);
  for (const ch of changes) {
    assert.equal(ch.from, version, 'versions chain');
    assert.ok(ch.version > ch.from);
    version = ch.version;
    mirror = applyPatches(mirror, ch.patches);
  }
  assert.deepEqual(mirror, store.get(), 'patches replayed give the store’s project');
  assert.equal(store.version, version);
  const sizes = changes.map((ch) => JSON.stringify(ch).length);
  assert.ok(Math.max(...sizes) < JSON.stringify(store.get()).length, 'no change carries the whole project');
});

test('scenes a change does not name are shared and frozen: writing to one by mistake throws', async () => {
  const dir = path.join(root, 'frozen');
  await createProject(dir, { scenes: [{ prompt: 'one', seconds: 4 }, { prompt: 'two', seconds: 4 }] });
  const store = await ProjectStore.open(dir);
  const [a, b] = store.get().scenes;
  await store.updateScene(a!.id, { prompt: 'one!' });
  assert.equal(store.get().scenes[1], b, 'the untouched scene is the same object');
  assert.notEqual(store.get().scenes[0], a);
  await assert.rejects(store.mutate({ origin: 'user', label: 'bad' }, [a!.id], (p) => { p.scenes[1]!.prompt = 'sneaky'; }), TypeError);
  assert.equal(store.get().scenes[1]!.prompt, 'two');
});
